package org.radmamba.viewer.fx.view;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;

import java.util.function.Supplier;

/**
 * One user action with its label, icon and keyboard shortcut, from which menu items and toolbar buttons are
 * made, so that every toolbar button has the same shortcut and tooltip as its menu item.
 */
record ViewerAction(String text, Ikon icon, KeyCombination shortcut, Runnable handler, Supplier<Scene> scene) {

    MenuItem menuItem() {
        MenuItem item = new MenuItem(text, icon == null ? null : new FontIcon(icon));
        item.setAccelerator(shortcut);
        item.setOnAction(e -> run());
        return item;
    }

    Button button() {
        Button b = new Button(null, new FontIcon(icon));
        b.setTooltip(new Tooltip(tooltip()));
        b.setOnAction(e -> run());
        b.setFocusTraversable(false);
        return b;
    }

    String tooltip() {
        return shortcut == null ? text : text + " (" + shortcut.getDisplayText() + ")";
    }

    /** Runs the action, except a bare-key shortcut typed into a text field (the search box). */
    void run() {
        handler.run();
    }

    /** True when a key without modifiers would reach a text field: then it is typing, not a shortcut. */
    static boolean typingInto(Scene scene, KeyCombination shortcut) {
        if (scene == null || !(shortcut instanceof KeyCodeCombination k)) {
            return false;
        }
        boolean bare = k.getControl() != KeyCombination.ModifierValue.DOWN && k.getShortcut() != KeyCombination.ModifierValue.DOWN
                && k.getAlt() != KeyCombination.ModifierValue.DOWN && k.getMeta() != KeyCombination.ModifierValue.DOWN;
        Node focus = scene.getFocusOwner();
        return bare && focus instanceof TextInputControl;
    }

    /** The menu item of a bare-key shortcut must not fire while the user types into a text field. */
    MenuItem guardedMenuItem() {
        MenuItem item = menuItem();
        item.setOnAction(e -> {
            if (!typingInto(scene.get(), shortcut)) {
                run();
            }
        });
        return item;
    }
}
