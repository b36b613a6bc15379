package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.radmamba.app.batch.BatchModel;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.NamedBytes;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The job's first pass, a task: which images (frames) each file of a group holds, by the resume key its rows would
 * have, without decoding a frame — so that a copy of an image (the same instance in a second file) is left out before
 * it is decoded and run. The keys come from {@link BatchModel#imageKeys}, the header reading of {@code radmamba batch}
 * itself: the SOP Instance UID and the number of frames of a DICOM file, the content's SHA-256 where the key is the
 * content (a photograph, a DICOM file without SOP Instance UID, a file that cannot be read). A file on the local file
 * system ({@code file:}) is read in place, a DICOM file's header only; a file elsewhere (HDFS, S3) is read whole, as
 * the scan reads local files only. The images the output already holds are left out here too (and counted), so that
 * a resumed job does not read its finished files again.
 */
final class IdentifyFiles implements FlatMapFunction<Iterator<JobFiles.Group>, IdentifyFiles.FileImages> {

    private static final long serialVersionUID = 1L;

    /**
     * A file's images that are not yet in the output.
     *
     * @param position the file's place in the job's list
     * @param images   the resume keys of the rows it would give and the output does not hold (empty: nothing to run)
     */
    record FileImages(int position, List<BatchRecord.DoneKey> images) implements Serializable {
        FileImages {
            images = List.copyOf(images);
        }
    }

    private final ModelSpec spec;
    private final int filesPerCall;
    private final Broadcast<HadoopConf> hadoopConf;
    private final LongAccumulator doneRows;
    private final Broadcast<Set<String>> done;

    /**
     * @param doneRows counts the images left out as already written
     * @param done     the rows already written, as {@link RunFiles#doneKey}s, or null when there are none
     */
    IdentifyFiles(ModelSpec spec, int filesPerCall, Broadcast<HadoopConf> hadoopConf, LongAccumulator doneRows,
                  Broadcast<Set<String>> done) {
        this.spec = spec;
        this.filesPerCall = filesPerCall;
        this.hadoopConf = hadoopConf;
        this.doneRows = doneRows;
        this.done = done;
    }

    @Override
    public Iterator<FileImages> call(Iterator<JobFiles.Group> groups) throws Exception {
        BatchModel model = ExecutorModels.get(spec, RunFiles.cores());
        Set<String> doneKeys = done == null ? Set.of() : done.value();
        Configuration conf = hadoopConf.value().get();
        List<FileImages> out = new ArrayList<>();
        while (groups.hasNext()) {
            List<JobFiles.Listed> files = groups.next().files();
            for (int from = 0; from < files.size(); from += filesPerCall) {
                List<JobFiles.Listed> call = files.subList(from, Math.min(files.size(), from + filesPerCall));
                List<List<BatchRecord.DoneKey>> keys = keys(model, call, conf);
                for (int i = 0; i < call.size(); i++) {
                    List<BatchRecord.DoneKey> notDone = new ArrayList<>();
                    for (BatchRecord.DoneKey key : keys.get(i)) {
                        if (doneKeys.contains(RunFiles.doneKey(key.imageKey(), key.frame()))) {
                            doneRows.add(1);
                        } else {
                            notDone.add(key);
                        }
                    }
                    out.add(new FileImages(call.get(i).position(), notDone));
                }
            }
        }
        return out.iterator();
    }

    /** Each file's keys, in order: local files read in place, the others' bytes read and handed over. */
    private static List<List<BatchRecord.DoneKey>> keys(BatchModel model, List<JobFiles.Listed> call,
                                                        Configuration conf) {
        List<List<BatchRecord.DoneKey>> keys = new ArrayList<>(call.size());
        List<Path> local = new ArrayList<>();
        List<NamedBytes> read = new ArrayList<>();
        List<Integer> localAt = new ArrayList<>();
        List<Integer> readAt = new ArrayList<>();
        for (JobFiles.Listed file : call) {
            String path = RunFiles.reportedPath(file.uri());
            Path localFile = RunFiles.localFile(file.uri());
            if (localFile != null) {
                localAt.add(keys.size());
                local.add(localFile);
                keys.add(null);
                continue;
            }
            try {
                read.add(new NamedBytes(path, RunFiles.read(file.uri(), conf)));
                readAt.add(keys.size());
                keys.add(null);
            } catch (FileNotFoundException e) {
                keys.add(List.of(model.notAFile(path).doneKey()));
            } catch (IOException | RuntimeException e) {
                keys.add(List.of(model.unreadable(path, "cannot be read: " + e.getMessage()).doneKey()));
            }
        }
        List<List<BatchRecord.DoneKey>> ofLocal = local.isEmpty() ? List.of() : model.imageKeys(local);
        for (int i = 0; i < localAt.size(); i++) {
            keys.set(localAt.get(i), ofLocal.get(i));
        }
        List<List<BatchRecord.DoneKey>> ofRead = read.isEmpty() ? List.of() : model.imageKeysOf(read);
        for (int i = 0; i < readAt.size(); i++) {
            keys.set(readAt.get(i), ofRead.get(i));
        }
        return keys;
    }
}
