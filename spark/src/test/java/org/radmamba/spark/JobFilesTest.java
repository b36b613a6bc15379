package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.batch.BatchInputs;
import org.radmamba.app.batch.BatchRun;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The driver's file list without a Spark session: what the job adds to {@code radmamba batch}'s INPUTs (globs), the
 * results folder left out, and the tasks' groups cut by Spark's rule.
 */
class JobFilesTest {

    @TempDir
    java.nio.file.Path temp;

    private final HadoopStorage storage = new HadoopStorage(new Configuration());

    private java.nio.file.Path write(String relative, int bytes) throws Exception {
        java.nio.file.Path file = temp.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        return file;
    }

    private static List<String> local(List<Path> files) {
        return files.stream().map(p -> java.nio.file.Path.of(p.toUri()).toString()).toList();
    }

    @Test
    void a_folder_means_what_radmamba_batch_reads_in_it_and_a_glob_each_match() throws Exception {
        write("day-1/a.dcm", 10);
        write("day-1/deeper/b.dcm", 10);
        write("day-1/.c.dcm", 10);
        write("day-1/DICOMDIR", 10);
        write("day-1/_d.dcm", 10);
        write("day-2/e.dcm", 10);
        write("other/f.dcm", 10);
        String out = temp.resolve("out").toString();

        List<Path> folder = JobFiles.expand(storage, List.of(temp.resolve("day-1").toString()), out);
        assertEquals(BatchRun.files(List.of(temp.resolve("day-1"))).stream().map(Object::toString).toList(),
                local(folder), "radmamba batch's files: hidden files and DICOMDIRs left out, '_' names kept");
        assertEquals(List.of(temp.resolve("day-1/_d.dcm").toString(), temp.resolve("day-1/a.dcm").toString(),
                temp.resolve("day-1/deeper/b.dcm").toString(), temp.resolve("day-2/e.dcm").toString()),
                local(JobFiles.expand(storage, List.of(temp.resolve("day-*").toString()), out)));
    }

    @Test
    void a_file_named_like_a_glob_is_itself_and_a_glob_that_matches_nothing_is_a_missing_input() throws Exception {
        java.nio.file.Path bracketed = write("scan[1].dcm", 10);
        write("scan1.dcm", 10);
        String out = temp.resolve("out").toString();

        assertEquals(List.of(bracketed.toString()),
                local(JobFiles.expand(storage, List.of(bracketed.toString()), out)));
        String nothing = temp.resolve("none-*").toString();
        BatchInputs.InputException refused = assertThrows(BatchInputs.InputException.class,
                () -> JobFiles.expand(storage, List.of(nothing), out));
        assertEquals(nothing + ": no such file or folder", refused.getMessage());
    }

    @Test
    void the_results_folder_inside_an_input_folder_is_no_input() throws Exception {
        java.nio.file.Path image = write("archive/a.dcm", 10);
        write("archive/results/part-00000.parquet", 10);
        write("archive/results-old/b.dcm", 10);

        assertEquals(List.of(image.toString(), temp.resolve("archive/results-old/b.dcm").toString()),
                local(JobFiles.expand(storage, List.of(temp.resolve("archive").toString()),
                        temp.resolve("archive/results").toString())));
    }

    @Test
    void files_are_grouped_largest_first_as_spark_cuts_a_file_source() throws Exception {
        List<Path> files = List.of(
                new Path(write("a", 100).toUri()), new Path(write("b", 40).toUri()), new Path(write("c", 100).toUri()),
                new Path(write("d", 100).toUri()), new Path(temp.resolve("gone").toUri()));

        // 5 files of 340 bytes and 10 to open each: 390 over 1 core, at most 250 a group.
        List<JobFiles.Planned> groups = JobFiles.groups(storage, files, new JobFiles.Sizing(250, 10, 1));

        assertEquals(List.of(List.of("a", "c"), List.of("d", "b", "gone")), groups.stream()
                .map(g -> g.group().files().stream().map(f -> new Path(f.uri()).getName()).toList()).toList());
        assertEquals(List.of(List.of(0, 2), List.of(3, 1, 4)), groups.stream()
                        .map(g -> g.group().files().stream().map(JobFiles.Listed::position).toList()).toList(),
                "each file keeps its place in the list, which decides between copies of an image");
        assertEquals(List.of("localhost"), groups.getFirst().hosts(), "the local file system's one host");

        // Two cores: 195 bytes a group at most.
        assertEquals(3, JobFiles.groups(storage, files, new JobFiles.Sizing(250, 10, 2)).size());
    }

    @Test
    void on_another_file_system_the_inputs_mean_the_same_files() throws Exception {
        Path dicomDir = new Path(TestArchive.writeDicomDir(temp.resolve("media")).toUri());
        write("archive/a.dcm", 10);
        write("archive/deeper/b.dcm", 20);
        write("archive/.hidden", 10);
        java.nio.file.Path list = temp.resolve("lists/some.lst");
        Files.createDirectories(list.getParent());
        Files.writeString(list, "../archive/a.dcm\n# comment\n../archive/deeper\ngone.dcm\n../media/DICOMDIR\n");
        Configuration conf = new Configuration();
        conf.set("fs.other.impl", OtherSchemeFileSystem.class.getName());
        conf.setBoolean("fs.other.impl.disable.cache", true);
        HadoopStorage other = new HadoopStorage(conf);
        List<String> inputs = List.of(temp.resolve("archive").toString(), dicomDir.toUri().getPath(), list.toString());

        List<Path> files = JobFiles.expand(other, inputs.stream().map(i -> "other://" + i).toList(),
                "other://" + temp.resolve("out"));

        List<String> expected = BatchRun.files(inputs.stream().map(java.nio.file.Path::of).toList()).stream()
                .map(p -> "other:" + p).toList();
        assertEquals(expected, files.stream().map(Path::toString).toList());
        List<JobFiles.Planned> groups = JobFiles.groups(other, files, new JobFiles.Sizing(1 << 20, 1, 1));
        assertEquals(1, groups.size());
        assertEquals(files.stream().map(p -> p.toUri().toString()).sorted().toList(),
                groups.getFirst().group().files().stream().map(JobFiles.Listed::uri).sorted().toList());
        assertEquals(List.of("localhost"), groups.getFirst().hosts());
    }
}
