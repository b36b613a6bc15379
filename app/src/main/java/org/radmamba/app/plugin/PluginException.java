package org.radmamba.app.plugin;

/** A plugin could not do what was asked: it is disabled, or it threw. The message is one sentence for the user. */
public class PluginException extends Exception {

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same, where the plugin is called through an interface that throws no checked exceptions (a forward pass). */
    public static final class Unchecked extends RuntimeException {
        public Unchecked(PluginException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
