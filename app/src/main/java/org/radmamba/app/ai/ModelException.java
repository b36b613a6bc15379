package org.radmamba.app.ai;

/** A model that cannot be imported or run; the message is one sentence naming the file and what is wrong. */
public class ModelException extends Exception {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
