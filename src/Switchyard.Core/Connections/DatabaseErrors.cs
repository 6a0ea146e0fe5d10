using System.Net.Sockets;
using Npgsql;

namespace Switchyard.Core.Connections;

/// <summary>Turns driver exceptions about reaching a server into errors a person can act on.</summary>
public static class DatabaseErrors
{
    public static SwitchyardException? Explain(Exception e, ConnectionSettings target)
    {
        var where = target.Describe();
        var socket = FindInner<SocketException>(e);
        if (socket is not null)
        {
            return new SwitchyardException(
                $"Cannot connect to {where} (from {target.Source}): {socket.SocketErrorCode}.",
                "Check that PostgreSQL is running on that host and port, fix --connection, or omit it to use the managed cluster (`switchyard local start`).");
        }
        if (FindInner<PostgresException>(e) is { } pg)
        {
            return pg.SqlState switch
            {
                PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification => new SwitchyardException(
                    $"Authentication failed for {where} (from {target.Source}): the server rejected the password (SQLSTATE {pg.SqlState}).",
                    "Fix the password in the connection string, PGPASSWORD or the password file; Switchyard never prints it."),
                PostgresErrorCodes.InvalidCatalogName => new SwitchyardException(
                    $"Database '{target.Database}' does not exist on {where}.",
                    "Create it (`createdb`) or name an existing one in --connection."),
                _ => null,
            };
        }
        if (e is NpgsqlException { InnerException: TimeoutException } || e is TimeoutException)
            return new SwitchyardException($"Timed out connecting to {where}.", "Check the host, port and firewall, or raise Timeout= in the connection string.");
        return null;
    }

    private static T? FindInner<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }
}
