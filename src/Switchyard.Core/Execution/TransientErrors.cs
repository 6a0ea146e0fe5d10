using System.Net.Sockets;
using Npgsql;

namespace Switchyard.Core.Execution;

/// <summary>Which failures are worth another attempt.</summary>
public static class TransientErrors
{
    public static bool IsLockTimeout(Exception e) => e is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    public static bool IsStatementTimeout(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } pg && pg.MessageText.Contains("statement timeout", StringComparison.OrdinalIgnoreCase);

    /// <summary>Lock timeout, deadlock, serialization failure, a lost or reset connection, a restarting server.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.LockNotAvailable
            or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.ConnectionFailure
            or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: SocketException or IOException or EndOfStreamException } => true,
        NpgsqlException npg when npg.IsTransient && npg is not PostgresException => true,
        IOException or EndOfStreamException => true,
        _ => false,
    };
}
