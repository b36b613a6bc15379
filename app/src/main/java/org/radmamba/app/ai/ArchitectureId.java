package org.radmamba.app.ai;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.radmamba.plugins.api.PluginApi;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a model card's {@code "architecture"} names: a built-in family by its short name ({@code medmamba},
 * {@code vmunet}, as the shipped cards say) or any architecture of the plugin registry by its extension id
 * {@code pluginId.model.name} (e.g. {@code example.model.mean-colour}; {@code radmamba.model.medmamba} is the
 * built-in MedMamba spelled out). Kept as written, so a card reads back as it was; {@link #valid()} says whether
 * it is one of those forms ({@link ModelCard#check} refuses a card where it is not).
 *
 * @param text the card's value, as written
 */
public record ArchitectureId(String text) {

    private static final Pattern EXTENSION_ID = Pattern.compile(PluginApi.PLUGIN_ID.pattern() + "\\.model\\."
            + PluginApi.EXTENSION_NAME.pattern());

    public ArchitectureId {
        Objects.requireNonNull(text, "text");
    }

    /** The card's value as it is (not checked: see {@link #valid()}). */
    @JsonCreator
    public static ArchitectureId parse(String text) {
        return new ArchitectureId(text);
    }

    /** A built-in family by its short name. */
    public static ArchitectureId of(ModelFamily builtIn) {
        return new ArchitectureId(builtIn.cardName());
    }

    /** The card's spelling, as written. */
    @JsonValue
    public String cardName() {
        return text;
    }

    /** The built-in family named, by its short name or its {@code radmamba.model.*} id; empty for a plugin's. */
    public Optional<ModelFamily> builtIn() {
        for (ModelFamily a : ModelFamily.values()) {
            if (text.equals(a.cardName()) || text.equals(BuiltInModels.extensionId(a))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Whether this names a built-in family or has the shape of an architecture id {@code pluginId.model.name}. */
    public boolean valid() {
        return builtIn().isPresent() || EXTENSION_ID.matcher(text).matches();
    }

    /** The id by which the registry offers it, e.g. {@code radmamba.model.medmamba}, {@code example.model.mean-colour}. */
    public String extensionId() {
        return builtIn().map(BuiltInModels::extensionId).orElse(text);
    }

    /** The plugin that offers it: {@code radmamba} for the built-ins, else the first part of the id. */
    public String pluginId() {
        String id = extensionId();
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    /** Whether this names the built-in {@code family}. */
    public boolean is(ModelFamily family) {
        return builtIn().filter(family::equals).isPresent();
    }

    /** What a card may say, for messages. */
    static String expected() {
        return "medmamba, vmunet or a plugin's architecture id pluginId.model.name (lower-case letters, digits, '-')";
    }

    @Override
    public String toString() {
        return text;
    }
}
