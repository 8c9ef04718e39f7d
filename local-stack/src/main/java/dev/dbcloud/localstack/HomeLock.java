package dev.dbcloud.localstack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One local stack per home: an exclusive lock on {@code <home>/stack.lock}, which holds the owner's process id. The
 * operating system releases it when the process ends, however it ends ({@code kill -9} included), so a lock that
 * can be taken means no stack is running on the home.
 */
final class HomeLock implements AutoCloseable {

    static final String FILE_NAME = "stack.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the home's lock, or says which process holds it. */
    static HomeLock acquire(Path home) throws IOException {
        Path file = home.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            throw new HomeInUseException("another dbcloud local stack is running on " + home
                    + (holder.isEmpty() ? "" : " (process " + holder + ")")
                    + "; stop it first, or start this one with another --home");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        return new HomeLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** Another live stack holds the home. */
    static final class HomeInUseException extends IllegalStateException {
        HomeInUseException(String message) {
            super(message);
        }
    }
}
