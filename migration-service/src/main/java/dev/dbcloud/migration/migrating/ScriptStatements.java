package dev.dbcloud.migration.migrating;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.sqlscript.SqlStatement;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.flywaydb.database.postgresql.PostgreSQLCopyParsedStatement;
import org.flywaydb.database.postgresql.PostgreSQLParser;

/**
 * A script cut into the statements Flyway will execute, by Flyway's own PostgreSQL parser (dollar quoting, nested
 * comments, {@code COPY ... FROM STDIN} data and {@code BEGIN ATOMIC} bodies included), so what is inspected is
 * exactly what runs. The parser is Flyway's internal API: an upgrade of Flyway may need this class adapted.
 */
final class ScriptStatements {

    /** Statements that end the transaction they run in, or start one, as the first keywords of a statement. */
    private static final Set<String> TRANSACTION_CONTROL = Set.of("BEGIN", "START", "COMMIT", "END", "ABORT", "ROLLBACK");

    /** One statement, with the line of the script it starts on. */
    record Statement(String sql, int line, boolean inTransaction, boolean copiesData) {

        /**
         * Whether the statement ends (or begins) a transaction, which would break "each migration commits or rolls
         * back as a whole", and would make a dry run commit. {@code ROLLBACK TO SAVEPOINT} does neither.
         */
        boolean controlsTransaction() {
            List<String> words = leadingWords(sql, 2);
            if (words.isEmpty()) {
                return false;
            }
            String first = words.get(0);
            String second = words.size() > 1 ? words.get(1) : "";
            if (first.equals("PREPARE")) {
                return second.equals("TRANSACTION");
            }
            if (first.equals("ROLLBACK")) {
                return !second.equals("TO");
            }
            return TRANSACTION_CONTROL.contains(first);
        }

        /** The statement on one line, shortened, to name it in a message. */
        String excerpt() {
            String flat = stripLeadingComments(sql).replaceAll("\\s+", " ").strip();
            return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
        }
    }

    /** @throws org.flywaydb.core.api.FlywayException when the script cannot be parsed (Flyway could not run it) */
    static List<Statement> of(RequestedScripts.Script script) {
        // Flyway's configuration as the run's commands start from (no placeholders), its plugins found already: one
        // made for each script cost more than cutting a small script.
        PostgreSQLParser parser = new PostgreSQLParser(ApplicationFlyway.DEFAULTS, new ParsingContext());
        List<Statement> statements = new ArrayList<>();
        try (SqlStatementIterator iterator = parser.parse(script)) {
            while (iterator.hasNext()) {
                SqlStatement statement = iterator.next();
                statements.add(new Statement(statement.getSql(), statement.getLineNumber(),
                        statement.canExecuteInTransaction(), statement instanceof PostgreSQLCopyParsedStatement));
            }
        }
        return statements;
    }

    private static List<String> leadingWords(String sql, int count) {
        String rest = stripLeadingComments(sql);
        List<String> words = new ArrayList<>();
        int at = 0;
        while (words.size() < count && at < rest.length()) {
            while (at < rest.length() && Character.isWhitespace(rest.charAt(at))) {
                at++;
            }
            int start = at;
            while (at < rest.length() && Character.isLetter(rest.charAt(at))) {
                at++;
            }
            if (at == start) {
                break;
            }
            words.add(rest.substring(start, at).toUpperCase(Locale.ROOT));
        }
        return words;
    }

    /** Drops the whitespace and comments (line comments, and block comments, which nest) before the first token. */
    static String stripLeadingComments(String sql) {
        int at = 0;
        while (at < sql.length()) {
            if (Character.isWhitespace(sql.charAt(at))) {
                at++;
            } else if (sql.startsWith("--", at)) {
                int end = sql.indexOf('\n', at);
                at = end < 0 ? sql.length() : end + 1;
            } else if (sql.startsWith("/*", at)) {
                int depth = 0;
                do {
                    if (sql.startsWith("/*", at)) {
                        depth++;
                        at += 2;
                    } else if (sql.startsWith("*/", at)) {
                        depth--;
                        at += 2;
                    } else {
                        at++;
                    }
                } while (depth > 0 && at < sql.length());
            } else {
                break;
            }
        }
        return sql.substring(at);
    }

    private ScriptStatements() {
    }
}
