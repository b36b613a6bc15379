package org.radmamba.viewer.dicom.pixeldata;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random-access bytes of a dataset: a file (its first bytes held in memory, see {@link HeadedFile}), or a deflated
 * dataset inflated into a temporary file.
 */
public sealed interface ByteSource extends Closeable {

    long size();

    /** Fills {@code dst} from {@code position}; fails with EOFException when the source ends first. */
    void readFully(long position, ByteBuffer dst) throws IOException;

    /** Bytes read in one call when a file is opened: a CT or MR header, usually 1-10 KB, fits in them. */
    int HEAD_BYTES = 16 * 1024;

    /**
     * The file, its first {@value #HEAD_BYTES} bytes read at once: the walker's element headers and the attribute
     * parser read them from memory, so the header costs one read call, not one per 8 KB window and parser.
     */
    static ByteSource open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            FileSource whole = new FileSource(channel, channel.size());
            int length = (int) Math.min(HEAD_BYTES, whole.size());
            byte[] head = new byte[length];
            whole.readFully(0, ByteBuffer.wrap(head));
            return new HeadedFile(whole, head);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * The bytes from 0 up to {@code end}, when this source holds them in memory already (no read), else null.
     */
    default byte[] bytesInMemory(long end) {
        return null;
    }

    /** A file with its first bytes in memory: reads inside them are copies, the rest go to the file. */
    record HeadedFile(FileSource file, byte[] head) implements ByteSource {
        @Override
        public long size() {
            return file.size();
        }

        @Override
        public void readFully(long position, ByteBuffer dst) throws IOException {
            if (position < head.length && dst.hasRemaining()) {
                int n = (int) Math.min(dst.remaining(), head.length - position);
                dst.put(head, (int) position, n);
                position += n;
            }
            if (dst.hasRemaining()) {
                file.readFully(position, dst);
            }
        }

        @Override
        public byte[] bytesInMemory(long end) {
            return end <= head.length ? head : null;
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
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
        public byte[] bytesInMemory(long end) {
            return end <= length ? bytes : null;
        }

        @Override
        public void close() {
            // Nothing to release: the array is garbage-collected.
        }
    }
}
