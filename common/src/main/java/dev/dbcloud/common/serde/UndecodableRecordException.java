package dev.dbcloud.common.serde;

/** The bytes are not a dbcloud record this reader knows; retrying cannot help. */
public class UndecodableRecordException extends RuntimeException {

    public UndecodableRecordException(String message) {
        super(message);
    }

    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
