package dev.dbcloud.sql;

import java.sql.SQLException;

/** The SQLSTATE codes the control plane acts on (PostgreSQL's Appendix A), spelled in one place. */
public final class SqlStates {

    /** Class 08: the connection could not be opened, or was lost. */
    public static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** 08001 (sqlclient_unable_to_establish_sqlconnection): nothing accepted the connection. */
    public static final String UNABLE_TO_CONNECT = "08001";
    /** 08004 (sqlserver_rejected_establishment_of_sqlconnection). */
    public static final String CONNECTION_REJECTED = "08004";
    /** 28000 (invalid_authorization_specification): no pg_hba line lets the role in. */
    public static final String INVALID_AUTHORIZATION = "28000";
    /** 28P01 (invalid_password). */
    public static final String INVALID_PASSWORD = "28P01";
    /** 42P04 (duplicate_database). */
    public static final String DUPLICATE_DATABASE = "42P04";
    /** 55P03 (lock_not_available): {@code lock_timeout} ran out. */
    public static final String LOCK_NOT_AVAILABLE = "55P03";
    /** 57014 (query_canceled): {@code statement_timeout} ran out, or the statement was cancelled. */
    public static final String QUERY_CANCELED = "57014";
    /** 57P03 (cannot_connect_now): the server is starting up or shutting down. */
    public static final String CANNOT_CONNECT_NOW = "57P03";

    /** Whether a failed login or statement means the server was not there to answer. */
    public static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith(CONNECTION_EXCEPTION_CLASS) || state.equals(CANNOT_CONNECT_NOW));
    }

    private SqlStates() {
    }
}
