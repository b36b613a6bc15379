package org.radmamba.app.net;

import org.radmamba.app.ViewerWithoutDemo;
import javafx.event.Event;
import javafx.geometry.Bounds;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeCell;
import javafx.scene.input.ContextMenuEvent;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.task.FxTaskExecutor;
import org.radmamba.viewer.fx.view.MainWindow;
import org.radmamba.viewer.fx.view.StudyBrowserView;
import org.radmamba.viewer.study.Study;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless TestFX on the real main window: the study browser's context menu sends a series (C-STORE) or a study
 * (STOW-RS) to a configured node through the search window's send, and a real Orthanc holds them after (C-FIND);
 * a node that refuses the connection is one line in the status bar; with no node configured, or while a send is
 * under way, Send to is disabled and says why.
 */
@ExtendWith(ApplicationExtension.class)
class BrowserSendFxTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static String nodesNode;
    private FxTaskExecutor executor;
    private ViewerViewModel viewModel;
    private MainWindow window;

    @BeforeAll
    static void startOrthanc() throws Exception {
        orthanc = Orthanc.start(shared.resolve("orthanc"), Orthanc.freePort());
        // The main window reads the user's nodes: here a preferences node of this test's own.
        nodesNode = "org/radmamba/test-browser-send-" + UUID.randomUUID();
        System.setProperty(NodeDirectory.NODE_PROPERTY, nodesNode);
    }

    @AfterAll
    static void stopOrthanc() throws Exception {
        if (orthanc != null) {
            orthanc.close();
        }
        Preferences.userRoot().node(nodesNode).removeNode();
        System.clearProperty(NodeDirectory.NODE_PROPERTY);
    }

    @Start
    void start(Stage stage) {
        executor = new FxTaskExecutor(2);
        viewModel = ViewerWithoutDemo.viewModel(executor);
        window = new MainWindow(viewModel);
        stage.setScene(window.createScene(1100, 700));
        stage.show();
    }

    /** The nodes are read when the menu opens, so saving them after the window is made is in time. */
    @BeforeEach
    void configureNodes() throws Exception {
        NodeDirectory nodes = NodeDirectory.forUser();
        nodes.save(new NodeDirectory.Entry("pacs", orthanc.dimseUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                Credentials.NONE));
        nodes.save(new NodeDirectory.Entry("web", orthanc.dicomWebUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD)));
    }

    @AfterEach
    void stop() throws Exception {
        executor.close();
        // Stages left open would lie under the robot's mouse in the next test class.
        FxToolkit.cleanupStages();
    }

    /** Opens the files in the browser and waits until it lists {@code series} series. */
    private void open(List<Path> files, int series) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> viewModel.open(files)).get(30, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().size() == series);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The browser's cell showing the row whose content passes {@code shows}. */
    @SuppressWarnings("unchecked")
    private static TreeCell<StudyBrowserView.Row> row(FxRobot robot, Predicate<Object> shows) {
        return robot.lookup(".tree-cell").queryAll().stream().map(n -> (TreeCell<StudyBrowserView.Row>) n)
                .filter(c -> c.isVisible() && c.getItem() != null && shows.test(c.getItem().content()))
                .findFirst().orElseThrow();
    }

    /**
     * Right-clicks the row. Monocle's robot presses the right button but raises no context-menu request (no popup
     * trigger): the request a desktop right-click makes is fired at the row, as MainWindowTest does.
     */
    private static void rightClick(FxRobot robot, TreeCell<StudyBrowserView.Row> row) {
        robot.rightClickOn(row);
        robot.interact(() -> {
            Bounds b = row.localToScreen(row.getLayoutBounds());
            Event.fireEvent(row, new ContextMenuEvent(ContextMenuEvent.CONTEXT_MENU_REQUESTED, 10, 10,
                    b.getMinX() + 10, b.getMinY() + 10, false, null));
        });
    }

    /** Right-clicks the row, opens Send to and picks the node, each clicked for real. */
    private static void sendFromMenu(FxRobot robot, TreeCell<StudyBrowserView.Row> row, String node) {
        rightClick(robot, row);
        robot.clickOn("Send to");
        robot.clickOn(node);
    }

    /** The status bar's line once it reports the end of a send (the search window's line, the same words). */
    private String statusWhenSent() throws Exception {
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> {
            String line = window.statusBar().getText();
            return line != null && !line.startsWith("Sending") && line.contains("sent to")
                    || line != null && line.contains(": C-");
        });
        return window.statusBar().getText();
    }

    private static List<FindMatch> seriesOnOrthanc(String studyUid) throws Exception {
        return DicomNetworks.connect(DicomNode.parse(orthanc.dimseUri(), "RADMAMBA", DicomNode.Retrieve.GET, 0,
                Credentials.NONE), NetworkTimeouts.DEFAULT)
                .find(new FindQuery(QueryLevel.SERIES, "", "", "", "", "", "", studyUid));
    }

    @Test
    void a_series_row_sent_to_a_dimse_node_is_on_the_node_with_its_instances(FxRobot robot) throws Exception {
        Fixtures.StudyKeys keys = Fixtures.DOE;
        open(Fixtures.study(shared.resolve("series-case"), keys, 2, 3, 64), 2);
        assertEquals(List.of(), seriesOnOrthanc(keys.studyUid()), "nothing of the study on the node before");

        sendFromMenu(robot, row(robot, c -> c instanceof SeriesEntry e
                && e.series().seriesInstanceUid().equals(Fixtures.seriesUid(keys, 1))), "pacs");

        assertEquals("3 of 3 file(s) sent to pacs (" + orthanc.dimseUri() + ")", statusWhenSent());
        List<FindMatch> series = seriesOnOrthanc(keys.studyUid());
        assertEquals(List.of(Fixtures.seriesUid(keys, 1)), series.stream().map(FindMatch::seriesInstanceUid).toList(),
                "the series picked, and not the other one of its study");
        assertEquals(OptionalInt.of(3), series.getFirst().numberOfInstances());
    }

    @Test
    void a_study_row_sent_to_a_dicomweb_node_is_on_the_node_with_all_its_series(FxRobot robot) throws Exception {
        Fixtures.StudyKeys keys = Fixtures.SMITH;
        open(Fixtures.study(shared.resolve("study-case"), keys, 2, 2, 64), 2);
        assertEquals(List.of(), seriesOnOrthanc(keys.studyUid()));

        sendFromMenu(robot, row(robot, c -> c instanceof Study s && s.studyInstanceUid().equals(keys.studyUid())),
                "web");

        assertTrue(statusWhenSent().startsWith("4 of 4 file(s) sent to web ("), window.statusBar().getText());
        List<FindMatch> series = seriesOnOrthanc(keys.studyUid());
        assertEquals(List.of(Fixtures.seriesUid(keys, 1), Fixtures.seriesUid(keys, 2)),
                series.stream().map(FindMatch::seriesInstanceUid).sorted().toList());
        assertTrue(series.stream().allMatch(s -> s.numberOfInstances().equals(OptionalInt.of(2))));
    }

    @Test
    void a_node_that_does_not_answer_is_one_line_and_the_browser_stays(FxRobot robot) throws Exception {
        int closed = Orthanc.freePort();
        NodeDirectory.forUser().save(new NodeDirectory.Entry("down", "dimse://NOBODY@127.0.0.1:" + closed,
                "RADMAMBA", DicomNode.Retrieve.GET, 0, Credentials.NONE));
        Fixtures.StudyKeys keys = Fixtures.DOE_LATER;
        open(Fixtures.study(shared.resolve("failure-case"), keys, 1, 2, 64), 1);

        sendFromMenu(robot, row(robot, c -> c instanceof SeriesEntry), "down");

        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            String line = window.statusBar().getText();
            return line != null && line.startsWith("down (");
        });
        String line = window.statusBar().getText();
        assertTrue(line.contains("connection refused"), line);
        assertFalse(line.contains("\n"), line);
        assertEquals(1, viewModel.series().size(), "the browser keeps the study");
    }

    /**
     * A node that takes the connection and never answers keeps the send under way; meanwhile Send to is disabled
     * and names it (another send would cancel it, the search window running one transfer at a time).
     */
    @Test
    void while_a_send_is_under_way_send_to_waits_and_says_for_what(FxRobot robot) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            NodeDirectory.forUser().save(new NodeDirectory.Entry("silent", "dimse://SILENT@127.0.0.1:"
                    + silent.getLocalPort(), "RADMAMBA", DicomNode.Retrieve.GET, 0, Credentials.NONE));
            open(Fixtures.study(shared.resolve("busy-case"), Fixtures.DOE, 1, 2, 64), 1);
            TreeCell<StudyBrowserView.Row> series = row(robot, c -> c instanceof SeriesEntry);
            sendFromMenu(robot, series, "silent");
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.statusBar().getText().startsWith("Sending"));

            rightClick(robot, series);
            WaitForAsyncUtils.waitForFxEvents();

            MenuItem sendTo = sendToItem(robot);
            assertTrue(sendTo.isDisable());
            assertEquals("Send to (a transfer is under way: Sending 2 file(s) to silent (dimse://SILENT@127.0.0.1:"
                    + silent.getLocalPort() + ")…)", sendTo.getText());
            robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
        }
    }

    /** The browser's Send to item in the context menu on screen. */
    private static MenuItem sendToItem(FxRobot robot) {
        return robot.listWindows().stream()
                .filter(w -> w instanceof ContextMenu && w.isShowing())
                .flatMap(w -> ((ContextMenu) w).getItems().stream())
                .filter(i -> "browser-send-to".equals(i.getId())).findFirst().orElseThrow();
    }

    @Test
    void with_no_node_configured_send_to_is_disabled_and_says_why(FxRobot robot) throws Exception {
        NodeDirectory nodes = NodeDirectory.forUser();
        for (NodeDirectory.Entry entry : nodes.list()) {
            nodes.remove(entry.name());
        }
        open(Fixtures.study(shared.resolve("no-node-case"), Fixtures.DOE, 1, 1, 64), 1);

        rightClick(robot, row(robot, c -> c instanceof SeriesEntry));
        WaitForAsyncUtils.waitForFxEvents();

        MenuItem sendTo = sendToItem(robot);
        assertTrue(sendTo.isVisible());
        assertTrue(sendTo.isDisable());
        assertEquals("Send to (no node is configured; add one in File ▸ Network settings)", sendTo.getText());
        assertTrue(sendTo instanceof Menu m && m.getItems().isEmpty(), "no node to pick");
        robot.press(KeyCode.ESCAPE).release(KeyCode.ESCAPE);
    }
}
