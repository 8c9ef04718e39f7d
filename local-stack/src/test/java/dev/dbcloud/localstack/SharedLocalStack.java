package dev.dbcloud.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link LocalStack} parameter to one stack for all the end-to-end test classes of a run: it starts
 * once, in a private temporary home, and stops (its servers and home removed) after the last class.
 */
final class SharedLocalStack implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLocalStack.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(Running.class, type -> new Running(), Running.class)
                .stack;
    }

    private static final class Running implements AutoCloseable {

        private final Path home;
        private final LocalStack stack;

        Running() {
            try {
                home = Files.createTempDirectory("dbcloud-e2e-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            stack = LocalStack.start(home, 0);
        }

        @Override
        public void close() throws IOException {
            stack.close();
            try (Stream<Path> files = Files.walk(home)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
