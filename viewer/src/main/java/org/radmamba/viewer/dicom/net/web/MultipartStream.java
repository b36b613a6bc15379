package org.radmamba.viewer.dicom.net.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a multipart/related body (RFC 2046) as a stream, part by part, without holding a part in memory: each part's
 * body is copied to an output stream as it arrives, up to the next delimiter. What WADO-RS answers with.
 */
final class MultipartStream {

    private static final int BUFFER = 1 << 16;
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buffer;
    private int start;
    private int end;
    private boolean eof;
    private boolean finished;
    /** Whether the last delimiter read was consumed by {@link #copyBody} (else the preamble comes first). */
    private boolean atDelimiter;

    /** @param boundary the boundary parameter of the Content-Type */
    MultipartStream(InputStream in, String boundary) {
        this.in = in;
        // The delimiter is CRLF "--" boundary; the body's first one may lack the CRLF, so one is put before it.
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buffer = new byte[BUFFER + delimiter.length];
        buffer[0] = '\r';
        buffer[1] = '\n';
        end = 2;
    }

    /**
     * Moves to the next part and reads its headers (names in lower case).
     *
     * @return the headers, or null after the close delimiter
     * @throws IOException for a body that ends without one ("cut off")
     */
    Map<String, String> nextPart() throws IOException {
        if (finished) {
            return null;
        }
        if (!atDelimiter) {
            skipToDelimiter(null);
        }
        atDelimiter = false;
        // After the delimiter: "--" closes the body; otherwise optional white space and CRLF start a part.
        if (!fill(2)) {
            throw new IOException("the multipart body ends right after a boundary");
        }
        if (buffer[start] == '-' && buffer[start + 1] == '-') {
            finished = true;
            return null;
        }
        readLine();
        Map<String, String> headers = new LinkedHashMap<>();
        int total = 0;
        while (true) {
            String line = readLine();
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("a part's headers exceed " + MAX_HEADER_BYTES + " bytes");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
    }

    /** Copies the current part's body to {@code out}; returns its length. */
    long copyBody(OutputStream out) throws IOException {
        long length = skipToDelimiter(out);
        atDelimiter = true;
        return length;
    }

    /** Copies (or skips, for null) up to the next delimiter and consumes it; returns the bytes copied. */
    private long skipToDelimiter(OutputStream out) throws IOException {
        long copied = 0;
        while (true) {
            int found = indexOf(delimiter, start, end);
            if (found >= 0) {
                if (out != null) {
                    out.write(buffer, start, found - start);
                }
                copied += found - start;
                start = found + delimiter.length;
                return copied;
            }
            // Keep the tail that could be the start of a delimiter; the rest is body.
            int safe = Math.max(start, end - delimiter.length + 1);
            if (out != null) {
                out.write(buffer, start, safe - start);
            }
            copied += safe - start;
            start = safe;
            if (eof) {
                throw new IOException("the multipart body ends in the middle of a part (cut off after " + copied
                        + " bytes of it)");
            }
            compact();
            read();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!fill(1)) {
                throw new IOException("the multipart body ends inside a part's headers");
            }
            byte b = buffer[start++];
            if (b == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) (b & 0xFF));
            if (line.length() > MAX_HEADER_BYTES) {
                throw new IOException("a multipart header line exceeds " + MAX_HEADER_BYTES + " bytes");
            }
        }
    }

    /** Makes at least {@code n} bytes available; false at end of stream. */
    private boolean fill(int n) throws IOException {
        while (end - start < n) {
            if (eof) {
                return false;
            }
            compact();
            read();
        }
        return true;
    }

    private void compact() {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
    }

    private void read() throws IOException {
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    private int indexOf(byte[] pattern, int from, int to) {
        byte first = pattern[0];
        int last = to - pattern.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (buffer[i] != first) {
                continue;
            }
            for (int j = 1; j < pattern.length; j++) {
                if (buffer[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
