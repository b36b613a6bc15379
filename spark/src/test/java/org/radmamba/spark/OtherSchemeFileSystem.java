package org.radmamba.spark;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;

import java.net.URI;

/**
 * The local disk under another scheme ({@code other:///tmp/a.dcm}): a file system that is not {@code file:}, as HDFS
 * or S3 is not, so that the tests take the job's paths for those (listing with {@code listLocatedStatus}, a DICOMDIR
 * copied to a temporary file for the DICOM reader, statuses asked of the file system) without a cluster. Registered
 * with {@code fs.other.impl}.
 */
public final class OtherSchemeFileSystem extends RawLocalFileSystem {

    static final String SCHEME = "other";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    // Plain statuses (length, kind, path), as a remote file system returns them: the local file system's own ones
    // look up owner and permissions through java.io.File, which takes file: URIs only.
    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        return plain(super.getFileStatus(f));
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        FileStatus[] statuses = super.listStatus(f);
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = plain(statuses[i]);
        }
        return statuses;
    }

    private FileStatus plain(FileStatus s) {
        return new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(),
                makeQualified(s.getPath()));
    }
}
