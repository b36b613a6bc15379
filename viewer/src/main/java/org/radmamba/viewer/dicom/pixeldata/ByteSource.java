package org.radmamba.viewer.dicom.pixeldata;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Random-access bytes of a dataset: a file, or a deflated dataset inflated into memory. */
public sealed interface ByteSource extends Closeable {

    long size();

    /** Fills {@code dst} from {@code position}; fails with EOFException when the source ends first. */
    void readFully(long position, ByteBuffer dst) throws IOException;

    static ByteSource open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new FileSource(channel, channel.size());
    }

    record FileSource(FileChannel channel, long size) implements ByteSource {

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            long at = position;
            while (dst.hasRemaining()) {
                int n = channel.read(dst, at);
                if (n < 0) {
                    throw new EOFException("the file ends at byte " + at);
                }
                at += n;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    record ArraySource(byte[] bytes, int length) implements ByteSource {
        @Override
        public long size() {
            return length;
        }

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            if (position < 0 || position + dst.remaining() > length) {
                throw new EOFException("the data ends at byte " + length);
            }
            dst.put(bytes, (int) position, dst.remaining());
        }

        @Override
        public void close() {
            // Nothing to release: the array is garbage-collected.
        }
    }
}
