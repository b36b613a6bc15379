package org.radmamba.app.plugin;

/**
 * The parent of every plugin's class loader: it lends the plugin API's classes from the host (so that host and
 * plugin share {@code org.radmamba.plugins.api} types) and the JDK's platform classes, nothing else. A plugin
 * therefore cannot link against the app, the viewer, the inference engine or their libraries (JavaFX, ND4J,
 * PixelMed, Jackson): a reference to them fails with {@link NoClassDefFoundError} and the plugin is disabled.
 *
 * <p>This keeps plugins on the API; it is not a security boundary (see docs/decisions/0006-plugins.md).
 */
final class ApiOnlyClassLoader extends ClassLoader {

    static final String API_PACKAGE = "org.radmamba.plugins.api";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader host;

    ApiOnlyClassLoader(ClassLoader host) {
        super("radmamba-plugin-api", ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isApi(name)) {
            return host.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    /** A class of the API package itself (nested classes included), not of a package below it. */
    static boolean isApi(String className) {
        return className.startsWith(API_PACKAGE + ".") && className.indexOf('.', API_PACKAGE.length() + 1) < 0;
    }
}
