namespace Switchyard.IntegrationTests.Pgroll;

/// <summary>Finds the peer's example chain (read-only, never copied into the repository).</summary>
internal static class PeerExamples
{
    private const string Relative = "shared/peer-examples/pgroll";

    /// <summary>SWITCHYARD_PEER_EXAMPLES, else <c>shared/peer-examples/pgroll</c> above the repository, else /work/shared/peer-examples/pgroll.</summary>
    public static string Folder()
    {
        if (Environment.GetEnvironmentVariable("SWITCHYARD_PEER_EXAMPLES") is { Length: > 0 } env)
            return Directory.Exists(env) ? env : throw new InvalidOperationException($"SWITCHYARD_PEER_EXAMPLES={env} is not a directory.");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Relative);
            if (Directory.Exists(candidate)) return candidate;
        }
        const string fallback = "/work/" + Relative;
        return Directory.Exists(fallback) ? fallback
            : throw new InvalidOperationException($"pgroll's example chain was not found: set SWITCHYARD_PEER_EXAMPLES, or put it at {Relative} above the repository.");
    }
}
