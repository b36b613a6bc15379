package org.radmamba.viewer.dicom.net;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * The storage SCP that runs while the viewer runs: whether it starts with the app, its AE title and port, the calling
 * AE titles it accepts (empty: any), the folder it files into, and its TLS identity (null: plain TCP). Kept in the OS user's preferences beside the nodes
 * ({@link NodeDirectory}).
 */
public record ReceiverSettings(boolean enabled, String aet, int port, Set<String> allowedCallingAets, Path folder,
        TlsIdentity tls) {

    /** Plain TCP. */
    public ReceiverSettings(boolean enabled, String aet, int port, Set<String> allowedCallingAets, Path folder) {
        this(enabled, aet, port, allowedCallingAets, folder, null);
    }

    /** The system property that moves the settings to another preferences node (tests). */
    public static final String NODE_PROPERTY = "radmamba.receiver.preferences";
    public static final int DEFAULT_PORT = 11112;

    public ReceiverSettings {
        allowedCallingAets = Set.copyOf(allowedCallingAets);
        // The same checks as the SCP's own, so that what is saved can start.
        new StorageScp.Config(aet, port, folder, allowedCallingAets, Duration.ofSeconds(1), tls);
    }

    /** Off, RADMAMBA on 11112, any caller, into ~/.radmamba/received (where retrieved studies go too). */
    public static ReceiverSettings defaults() {
        return new ReceiverSettings(false, "RADMAMBA", DEFAULT_PORT, Set.of(), defaultFolder());
    }

    public static Path defaultFolder() {
        return Path.of(System.getProperty("user.home"), ".radmamba", "received");
    }

    /** The user's preferences node: {@code org/radmamba/receiver}, or the one named by {@link #NODE_PROPERTY}. */
    public static Preferences userNode() {
        return Preferences.userRoot().node(System.getProperty(NODE_PROPERTY, "org/radmamba/receiver"));
    }

    public StorageScp.Config config(Duration idle) {
        return new StorageScp.Config(aet, port, folder, allowedCallingAets, idle, tls);
    }

    /** Parses a list of AE titles separated by spaces or commas; throws with a one-line reason. */
    public static Set<String> parseAets(String text) {
        Set<String> aets = new LinkedHashSet<>();
        Arrays.stream(text.split("[,\\s]+")).filter(s -> !s.isEmpty()).forEach(aet -> {
            AeTitles.check(aet, "allowed calling AE title");
            aets.add(aet);
        });
        return aets;
    }

    /** The saved settings, or the defaults for what was never saved or cannot be read. */
    public static ReceiverSettings load(Preferences node) {
        ReceiverSettings d = defaults();
        try {
            String keyStore = node.get("tlsKeyStore", "");
            return new ReceiverSettings(node.getBoolean("enabled", d.enabled()), node.get("aet", d.aet()),
                    node.getInt("port", d.port()), parseAets(node.get("allowed", "")),
                    Path.of(node.get("folder", d.folder().toString())), keyStore.isEmpty() ? null
                    : new TlsIdentity(Path.of(keyStore), node.get("tlsPassword", "").toCharArray()));
        } catch (IllegalArgumentException e) {
            return d;
        }
    }

    public void save(Preferences node) throws BackingStoreException {
        node.putBoolean("enabled", enabled);
        node.put("aet", aet);
        node.putInt("port", port);
        node.put("allowed", String.join(" ", allowedCallingAets.stream().sorted().toList()));
        node.put("folder", folder.toString());
        // The key store's password is kept as NodeDirectory keeps node passwords: in the user's own preferences.
        node.put("tlsKeyStore", tls == null ? "" : tls.keyStore().toString());
        node.put("tlsPassword", tls == null ? "" : new String(tls.password()));
        node.flush();
    }
}
