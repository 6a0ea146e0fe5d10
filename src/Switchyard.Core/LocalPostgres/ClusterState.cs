using System.Text.Json;

namespace Switchyard.Core.LocalPostgres;

/// <summary>What Switchyard remembers about a managed cluster between commands (never a password).</summary>
public sealed record ClusterState(string DataDirectory, string BinDirectory, int Port, string SuperUser, string SocketDirectory, bool Fast)
{
    /// <summary>Streaming standbys built from this cluster.</summary>
    public IReadOnlyList<StandbyState> Standbys { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static ClusterState? Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<ClusterState>(File.ReadAllText(path), Json) : null;

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
}

/// <summary>A standby's folder and port.</summary>
public sealed record StandbyState(string Name, string DataDirectory, int Port);
