package dev.dbcloud.migration.migrating;

import dev.dbcloud.sql.ServerLogin;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.ConnectionProxy;

/**
 * The sessions of one run on the application's database, under one login: Flyway's commands and the dry run take a
 * session here and give it back, rather than each logging in afresh (a SCRAM exchange and a backend started, every
 * time). A session is opened whenever none is free; Flyway works on one (see {@link ApplicationFlyway}), so a
 * run mostly has one.
 *
 * <p>A session given back is returned to the state of a fresh login before anyone has it again: its transaction
 * rolled back, then {@code DISCARD ALL} (settings back to the login's, {@code statement_timeout} and
 * {@code lock_timeout} included, role and session authorization reset, temporary tables dropped, advisory locks
 * released, {@code LISTEN} ended). So nothing a migration or a command left in its session reaches what comes
 * after, just as when each closed its own. A session that cannot be reset is closed, and the next taker logs in.
 *
 * <p>{@link #close()} closes every session it opened, given back or not. Not for use once closed.
 */
final class RunSessions extends AbstractDataSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunSessions.class);

    private final ServerLogin login;
    private final String database;
    private final Deque<Connection> free = new ArrayDeque<>();
    private final List<Connection> opened = new ArrayList<>();

    RunSessions(ServerLogin login, String database) {
        this.login = login;
        this.database = database;
    }

    /** A free session, or a new login when none is; closing what it answers gives the session back. */
    @Override
    public synchronized Connection getConnection() throws SQLException {
        Connection session = free.poll();
        if (session == null) {
            session = login.connect(database);
            opened.add(session);
        }
        return handle(session);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLException("a run's sessions all log in as " + login.role());
    }

    @Override
    public synchronized void close() {
        for (Connection session : opened) {
            closeQuietly(session);
        }
        opened.clear();
        free.clear();
    }

    private synchronized void giveBack(Connection session) {
        try {
            if (session.isClosed()) {
                opened.remove(session);
                return;
            }
            if (!session.getAutoCommit()) {
                session.rollback();
                session.setAutoCommit(true);
            }
            try (Statement statement = session.createStatement()) {
                statement.execute("DISCARD ALL");
            }
            free.push(session);
        } catch (SQLException e) {
            log.debug("A session of {} could not be reset; closing it (SQLSTATE {})", database, e.getSQLState());
            opened.remove(session);
            closeQuietly(session);
        }
    }

    private static void closeQuietly(Connection session) {
        try {
            session.close();
        } catch (SQLException e) {
            log.debug("Closing a session failed (SQLSTATE {})", e.getSQLState());
        }
    }

    /** The session for one taker: closing it gives the session back, and it answers nothing after that. */
    private Connection handle(Connection session) {
        return (Connection) Proxy.newProxyInstance(ConnectionProxy.class.getClassLoader(),
                new Class<?>[] {ConnectionProxy.class}, new Handle(session));
    }

    private final class Handle implements InvocationHandler {

        private final Connection session;
        private boolean closed;

        Handle(Connection session) {
            this.session = session;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "run session of " + database + (closed ? " (given back)" : "");
                case "getTargetConnection":
                    return session;
                case "isClosed":
                    return closed || session.isClosed();
                case "close":
                    if (!closed) {
                        closed = true;
                        giveBack(session);
                    }
                    return null;
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    break;
                case "isWrapperFor":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
            if (closed) {
                throw new SQLException("this session was given back to the run");
            }
            try {
                return method.invoke(session, args);
            } catch (InvocationTargetException e) {
                throw e.getTargetException();
            }
        }
    }
}
