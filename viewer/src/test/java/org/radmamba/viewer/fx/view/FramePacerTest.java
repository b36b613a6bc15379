package org.radmamba.viewer.fx.view;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pacer's order and coalescing, pulse by pulse: the test plays the pulses itself ({@code pulse()}) instead of
 * an AnimationTimer, so nothing depends on timing; the ticker only records whether the pacer wants pulses.
 */
class FramePacerTest {

    private final List<String> ran = new ArrayList<>();
    private boolean ticking;
    private final FramePacer.Ticker ticker = new FramePacer.Ticker() {
        @Override
        public void start() {
            ticking = true;
        }

        @Override
        public void stop() {
            ticking = false;
        }
    };

    @Test
    void one_update_a_pulse_in_the_order_first_asked_each_key_once_with_its_latest_update() {
        FramePacer pacer = new FramePacer(ticker);
        pacer.runLater("browser", () -> ran.add("browser 1"));
        pacer.runLater("table", () -> ran.add("table 1"));
        pacer.runLater("browser", () -> ran.add("browser 2"));

        pacer.pulse();
        assertEquals(List.of("browser 2"), ran, "the newer browser update, in the browser's place");
        pacer.pulse();
        assertEquals(List.of("browser 2"), ran, "a free pulse after each update");
        pacer.pulse();
        assertEquals(List.of("browser 2", "table 1"), ran);
        assertTrue(!pacer.isIdle() && ticking, "the pulse after the last update is kept free too");
        pacer.pulse();
        assertTrue(pacer.isIdle());
        assertTrue(!ticking, "an idle pacer asks for no pulses");
        pacer.pulse();
        assertEquals(2, ran.size(), "everything ran once");
    }

    @Test
    void a_reserved_pulse_runs_no_update_and_the_update_comes_in_the_next() {
        FramePacer pacer = new FramePacer(ticker);
        pacer.runLater("table", () -> ran.add("table"));
        pacer.reserveNextPulse();
        assertTrue(ticking);
        pacer.pulse();
        assertEquals(List.of(), ran, "the pulse that shows a first image is left alone");
        pacer.pulse();
        assertEquals(List.of(), ran, "and the one after it, while that image is painted");
        pacer.pulse();
        assertEquals(List.of("table"), ran);
        pacer.pulse();
        assertTrue(pacer.isIdle());
    }

    @Test
    void an_update_may_ask_for_another_which_runs_in_a_later_pulse() {
        FramePacer pacer = new FramePacer(ticker);
        pacer.runLater("a", () -> {
            ran.add("a");
            pacer.runLater("b", () -> ran.add("b"));
        });
        pacer.pulse();
        assertEquals(List.of("a"), ran);
        pacer.pulse();
        pacer.pulse();
        assertEquals(List.of("a", "b"), ran);
    }
}
