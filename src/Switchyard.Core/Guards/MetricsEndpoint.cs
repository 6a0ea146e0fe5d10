using Prometheus;

namespace Switchyard.Core.Guards;

/// <summary>Serves <see cref="SwitchyardMetrics"/> at http://127.0.0.1:PORT/metrics (prometheus-net's HttpListener server, no ASP.NET).</summary>
public static class MetricsEndpoint
{
    /// <summary>Starts the server on loopback; dispose the result to stop it.</summary>
    public static IDisposable Start(int port)
    {
        if (port is < 1 or > 65535)
            throw new SwitchyardException($"--metrics-port {port} is not a TCP port.", "Use a port between 1 and 65535, e.g. --metrics-port 9187.");
        try
        {
            var server = new MetricServer(hostname: "127.0.0.1", port: port);
            server.Start();
            return server;
        }
        catch (System.Net.HttpListenerException e)
        {
            throw new SwitchyardException($"Cannot serve metrics on 127.0.0.1:{port}: {e.Message}.", "Pick a free port with --metrics-port.", e);
        }
    }
}
