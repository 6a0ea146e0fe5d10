using System.Net.Sockets;
using Npgsql;

namespace Switchyard.Core.Execution;

/// <summary>Which failures are worth another attempt.</summary>
public static class TransientErrors
{
    public static bool IsLockTimeout(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    public static bool IsStatementTimeout(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } pg && pg.MessageText.Contains("statement timeout", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The server ran out of something the statement needed: class 53 (out of memory, disk full, …) and class 54
    /// (program limit exceeded). The same statement would fail the same way, after taking the same memory or disk again,
    /// so it is never retried. Too many connections (53300) is the exception: the attempt got no backend, so it used
    /// nothing, and connection slots free up as other clients finish; it is retried within the usual bounds.
    /// </summary>
    public static bool IsResourceFailure(Exception e) =>
        e is PostgresException pg && pg.SqlState != PostgresErrorCodes.TooManyConnections
        && (pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("54", StringComparison.Ordinal));

    /// <summary>
    /// Lock timeout, deadlock, serialization failure, a lost or reset connection, a restarting server, too many connections.
    /// Never a resource failure, a statement timeout, or a client-side timeout (its backend may still be running).
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        _ when IsResourceFailure(e) => false,
        PostgresException pg => pg.SqlState is PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.ConnectionFailure
            or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: TimeoutException } => false,
        NpgsqlException { InnerException: SocketException or IOException or EndOfStreamException } => true,
        NpgsqlException npg when npg.IsTransient && npg is not PostgresException => true,
        IOException or EndOfStreamException => true,
        _ => false,
    };
}
