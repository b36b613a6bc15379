package org.radmamba.viewer.fx.view;

import javafx.animation.AnimationTimer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spreads updates of large parts of the window over separate pulses. When a study opens, its series list, the
 * first image, the attribute table and the thumbnail all arrive within a frame or two; painted in one pulse they
 * cost a software renderer several frames, a visible stall. Through this pacer the study browser and the
 * attribute table update one per pulse, and never in the pulse that shows a viewport's first image. A free pulse
 * follows each of these heavy pulses: the software renderer paints one while the UI thread lays out the next, so
 * two in a row make one gap as long as both.
 *
 * <p>Updates are keyed: a pending update under the same key is replaced by the newer one (it shows the newer
 * state) and keeps its place in the queue, so every key's latest update runs, once, in the order first asked. All
 * methods are for the UI thread.
 */
public final class FramePacer {

    /** What calls {@link #pulse()} once a pulse while started: an AnimationTimer in the window. */
    interface Ticker {
        void start();

        void stop();
    }

    private final Map<Object, Runnable> pending = new LinkedHashMap<>();
    private final Ticker timer;
    /** Pulses, from the next one, that run no update: a reserved one and the free one after a heavy pulse. */
    private int skip;
    private boolean running;

    public FramePacer() {
        AnimationTimer animation = new AnimationTimer() {
            @Override
            public void handle(long now) {
                pulse();
            }
        };
        this.timer = new Ticker() {
            @Override
            public void start() {
                animation.start();
            }

            @Override
            public void stop() {
                animation.stop();
            }
        };
    }

    /** With another ticker (tests play the pulses themselves). */
    FramePacer(Ticker ticker) {
        this.timer = ticker;
    }

    /** Runs {@code update} at the start of a later pulse, alone among the paced updates. */
    public void runLater(Object key, Runnable update) {
        pending.put(key, update);
        start();
    }

    /**
     * Keeps the next pulse for something heavy that the caller has just changed (a viewport's first image): no
     * paced update runs in it, nor in the one after.
     */
    public void reserveNextPulse() {
        skip = 2;
        start();
    }

    /** Whether updates or pulses kept free are waiting. */
    public boolean isIdle() {
        return pending.isEmpty() && skip == 0;
    }

    /** One pulse: the next update, unless the pulse is kept free. The timer calls it; tests may too. */
    void pulse() {
        if (skip > 0) {
            skip--;
        } else {
            Iterator<Runnable> next = pending.values().iterator();
            if (next.hasNext()) {
                Runnable update = next.next();
                next.remove();
                update.run();
                // The next pulse is free, unless the update reserved more itself.
                skip = Math.max(skip, 1);
            }
        }
        if (isIdle()) {
            // A running AnimationTimer asks for a pulse every frame; an idle window should not.
            timer.stop();
            running = false;
        }
    }

    private void start() {
        if (!running) {
            running = true;
            timer.start();
        }
    }
}
