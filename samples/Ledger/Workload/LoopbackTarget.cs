using System.Net;
using Npgsql;

namespace Switchyard.Samples.Ledger.Workload;

/// <summary>The workload is a load generator: it only ever points at a database on this machine.</summary>
internal static class LoopbackTarget
{
    public static void Require(NpgsqlDataSource ledger)
    {
        var hosts = new NpgsqlConnectionStringBuilder(ledger.ConnectionString).Host ?? "";
        foreach (var host in hosts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Forms Npgsql accepts: a Unix socket folder, name, name:port, IPv6, [IPv6]:port.
            var name = host;
            if (name.StartsWith('[') && name.Contains(']', StringComparison.Ordinal)) name = name[1..name.IndexOf(']', StringComparison.Ordinal)];
            else if (name.Count(c => c == ':') == 1) name = name[..name.IndexOf(':', StringComparison.Ordinal)];
            if (name.StartsWith('/') || IsLoopback(name)) continue;
            throw new Core.SwitchyardException(
                $"The payments workload only runs against a database on this machine, but the target host is '{host}'.",
                "Point --connection at 127.0.0.1, localhost or a Unix socket (the managed cluster is, by default).");
        }
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}
