package org.radmamba.inference.checkpoint;

/**
 * A checkpoint could not be read or does not fit the model. The message is one sentence fit for a user: it names
 * the file or the key and what is wrong. Unchecked, because model builders call {@code require} hundreds of times.
 */
public class CheckpointException extends RuntimeException {

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
