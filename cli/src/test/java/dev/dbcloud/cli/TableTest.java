package dev.dbcloud.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    private static final List<String[]> ROWS = List.of(new String[] {"NAME", "STATUS", "HOST", "PORT", "ADMIN", "DRIVER"},
            new String[] {"bench1", "AVAILABLE", "localhost", "15432", "app", "LOCAL"},
            new String[] {"a-much-longer-instance-name", "", "-", "-", "ädmin", "LINKED"},
            new String[] {"x", "PROVISIONING", "db.example.com", "5432", "o", ""});

    /** Each cell but the last padded to its column's widest cell and two spaces, as {@code %-Ns} pads it. */
    @Test
    void padsAsStringFormatDid() {
        Table table = new Table(ROWS.get(0));
        ROWS.subList(1, ROWS.size()).forEach(table::row);
        StringWriter printed = new StringWriter();
        try (PrintWriter out = new PrintWriter(printed)) {
            table.print(out);
        }

        assertThat(printed.toString()).isEqualTo(formatted());
    }

    private static String formatted() {
        int[] widths = new int[ROWS.get(0).length];
        ROWS.forEach(row -> {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        });
        StringWriter expected = new StringWriter();
        try (PrintWriter out = new PrintWriter(expected)) {
            for (String[] row : ROWS) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
        return expected.toString();
    }
}
