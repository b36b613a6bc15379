package org.radmamba.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module rules of docs/decisions/0001-architecture.md, checked on the production classes of every module
 * (this module's test class path sees them all).
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.radmamba");
    }

    @Test
    void the_rules_see_classes_of_every_module() {
        for (String pkg : new String[] {"org.radmamba.app", "org.radmamba.viewer", "org.radmamba.inference",
                "org.radmamba.plugins.api"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)),
                    "no production classes imported from " + pkg + ": the rules below would pass vacuously");
        }
    }

    @Test
    void only_the_dicom_adapter_uses_pixelmed() {
        noClasses().that().resideOutsideOfPackage("org.radmamba.viewer.dicom.pixelmed..")
                .should().dependOnClassesThat().resideInAPackage("com.pixelmed..")
                .because("PixelMed sits behind our DICOM port so that another toolkit (dcm4che) can replace it")
                .check(classes);
    }

    @Test
    void only_the_adapter_and_the_one_composition_point_name_the_dicom_adapter() {
        noClasses().that().resideOutsideOfPackage("org.radmamba.viewer.dicom.pixelmed..")
                .and().doNotHaveFullyQualifiedName("org.radmamba.viewer.dicom.DicomReaders")
                .and().doNotHaveFullyQualifiedName("org.radmamba.viewer.dicom.net.DicomNetworks")
                .should().dependOnClassesThat().resideInAPackage("org.radmamba.viewer.dicom.pixelmed..")
                .because("the rest of the project sees the DicomReader port; DicomReaders.standard() is the one place"
                        + " that chooses the adapter behind it. The network port (RemoteNode, StorageScp) has its"
                        + " own composition point, DicomNetworks, which chooses the DIMSE adapter in"
                        + " dicom.pixelmed.net beside the DICOMweb one")
                .check(classes);
        noClasses().that().resideOutsideOfPackage("org.radmamba.viewer.dicom.net.web..")
                .and().doNotHaveFullyQualifiedName("org.radmamba.viewer.dicom.net.DicomNetworks")
                .should().dependOnClassesThat().resideInAPackage("org.radmamba.viewer.dicom.net.web..")
                .because("the DICOMweb adapter is chosen in one place, DicomNetworks, like the DIMSE one")
                .check(classes);
    }

    @Test
    void the_composition_point_is_there_and_chooses_the_adapter() {
        // Keeps the rule above from passing vacuously if the composition point were renamed or moved.
        assertTrue(classes.contain("org.radmamba.viewer.dicom.DicomReaders"), "DicomReaders is missing");
        assertTrue(classes.get("org.radmamba.viewer.dicom.DicomReaders").getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getPackageName().equals("org.radmamba.viewer.dicom.pixelmed")),
                "DicomReaders does not name the adapter");
    }

    @Test
    void the_headless_viewer_layers_never_use_javafx() {
        noClasses().that().resideInAnyPackage("org.radmamba.viewer.dicom..", "org.radmamba.viewer.pixel..",
                        "org.radmamba.viewer.study..", "org.radmamba.viewer.photo..", "org.radmamba.viewer.seg..",
                        "org.radmamba.viewer.sr..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.kordamp..",
                        "com.sun.javafx..")
                .because("DICOM reading, the pixel pipeline, the study model, photographs, segmentations and structured"
                        + " reports run"
                        + " headless: in the CLI, in benchmarks and in background tasks")
                .check(classes);
        for (String pkg : new String[] {"org.radmamba.viewer.dicom", "org.radmamba.viewer.pixel",
                "org.radmamba.viewer.study", "org.radmamba.viewer.photo", "org.radmamba.viewer.seg",
                "org.radmamba.viewer.sr"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)),
                    "no production classes in " + pkg + ": the rule above would pass vacuously for it");
        }
    }

    @Test
    void the_viewer_never_uses_nd4j() {
        noClasses().that().resideInAPackage("org.radmamba.viewer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.bytedeco..")
                .because("tensors belong to the inference module; the viewer works on pixels")
                .check(classes);
    }

    @Test
    void inference_never_uses_javafx() {
        noClasses().that().resideInAPackage("org.radmamba.inference..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "org.kordamp..")
                .because("inference runs headless: in the CLI, in benchmarks and in background tasks")
                .check(classes);
    }

    @Test
    void viewer_and_inference_do_not_know_each_other() {
        noClasses().that().resideInAPackage("org.radmamba.viewer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.radmamba.inference..", "org.radmamba.app..")
                .because("dependencies point one way: app -> viewer, inference, plugins")
                .check(classes);
        noClasses().that().resideInAPackage("org.radmamba.inference..")
                .should().dependOnClassesThat().resideInAnyPackage("org.radmamba.viewer..", "org.radmamba.app..")
                .because("dependencies point one way: app -> viewer, inference, plugins")
                .check(classes);
    }

    @Test
    void the_plugin_api_depends_on_the_jdk_only() {
        classes().that().resideInAPackage("org.radmamba.plugins.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("org.radmamba.plugins.api..", "java..")
                .because("plugins compile against a small, stable API, and their class loader lends them nothing but"
                        + " the API and the JDK (docs/decisions/0006-plugins.md)")
                .check(classes);
    }

    @Test
    void only_the_plugin_host_loads_code_at_run_time() {
        for (Class<?> loading : new Class<?>[] {java.net.URLClassLoader.class, java.util.ServiceLoader.class}) {
            noClasses().that().resideOutsideOfPackage("org.radmamba.app.plugin..")
                    .should().dependOnClassesThat().areAssignableTo(loading)
                    .because("plugins are found and isolated in one place, the registry, which disables what fails")
                    .check(classes);
        }
    }

    @Test
    void the_packages_of_app_are_free_of_cycles() {
        slices().matching("org.radmamba.app.(*)..")
                .should().beFreeOfCycles()
                .because("each package of app can be read, tested and changed starting from the ones it uses;"
                        + " a cycle (ai <-> plugin once) means neither can be understood without the other")
                .check(classes);
    }

    @Test
    void the_model_path_knows_no_front_end() {
        noClasses().that().resideInAPackage("org.radmamba.app.ai..")
                .should().dependOnClassesThat().resideInAnyPackage("org.radmamba.app.gui..", "org.radmamba.app.cli..",
                        "javafx..", "picocli..")
                .because("the GUI and the command line are front ends of one model path (card, checkpoint, loaded"
                        + " model, preprocessing, post-processing); what one of them needs goes into ai, so both"
                        + " give the same numbers")
                .check(classes);
    }

    @Test
    void the_front_ends_run_models_only_through_the_model_path() {
        noClasses().that().resideInAnyPackage("org.radmamba.app.gui..", "org.radmamba.app.cli..",
                        "org.radmamba.app.batch..")
                .should().dependOnClassesThat(resideInAnyPackage("org.radmamba.inference.medmamba..",
                        "org.radmamba.inference.vmunet..", "org.radmamba.inference.model..",
                        "org.radmamba.inference.preprocess..")
                        // The 8-bit image type is data, not a step of the path.
                        .and(not(simpleName("ByteImage"))))
                .because("a front end that built or fed a network itself would preprocess, run or decode differently"
                        + " from the other (as classify and segment once did); they go through ai.LoadedModel. (The"
                        + " model benchmark, bench.BenchModelCommand, times the bare networks and is no front end)")
                .check(classes);
    }

    @Test
    void the_batch_runner_knows_no_front_end() {
        noClasses().that().resideInAPackage("org.radmamba.app.batch..")
                .should().dependOnClassesThat().resideInAnyPackage("org.radmamba.app.gui..", "org.radmamba.app.cli..",
                        "org.radmamba.app.bench..", "javafx..", "picocli..")
                .because("Spark executors run batch.BatchModel headless, without the desktop's front ends; the"
                        + " command line's batch is a thin front end of it, not the other way round")
                .check(classes);
    }

    @Test
    void the_plugin_host_knows_neither_the_models_nor_the_front_ends() {
        noClasses().that().resideInAPackage("org.radmamba.app.plugin..")
                .should().dependOnClassesThat().resideInAnyPackage("org.radmamba.app.ai..", "org.radmamba.app.gui..",
                        "org.radmamba.app.cli..")
                .because("the registry finds, isolates and disables plugins of any kind; the built-in models are"
                        + " one plugin among others (ai.BuiltInModels), offered to it through the plugin API")
                .check(classes);
    }

    @Test
    void nothing_but_the_root_command_knows_the_benchmarks() {
        noClasses().that().resideOutsideOfPackage("org.radmamba.app.bench..")
                .and().doNotHaveFullyQualifiedName("org.radmamba.app.cli.RadMambaCommand")
                .should().dependOnClassesThat().resideInAPackage("org.radmamba.app.bench..")
                .because("the benchmarks are developer tools that time the product from outside (generated series,"
                        + " random weights); a feature that used one would ship measuring code to users, and the"
                        + " bench package could no longer change or go without touching the viewer. RadMambaCommand"
                        + " only registers the bench group")
                .check(classes);
    }

    @Test
    void the_app_slices_exist() {
        // Keeps the rules above from passing vacuously if a package were renamed.
        for (String pkg : new String[] {"org.radmamba.app.ai", "org.radmamba.app.batch", "org.radmamba.app.bench",
                "org.radmamba.app.cli", "org.radmamba.app.gui", "org.radmamba.app.plugin"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(pkg)), "no classes in " + pkg);
        }
    }
}
