using System.Text.Json;
using Switchyard.Core.Execution;
using Switchyard.Core.Journal;

namespace Switchyard.Core.Guards;

/// <summary>Writes guard decisions to <c>switchyard.events</c> (kind 'guard') with the values that caused them.</summary>
public sealed class GuardJournal
{
    public const string Kind = "guard";

    private const string Insert = """
        INSERT INTO switchyard.events (migration_id, os_user, kind, message, data)
        VALUES ((SELECT id FROM switchyard.migrations WHERE name = $1), $2, $3, $4, $5::jsonb)
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private readonly SafeSqlRunner _sql;
    private bool _schemaReady;

    public GuardJournal(SafeSqlRunner sql) => _sql = sql;

    public async Task WriteAsync(string? migration, string message, object data, CancellationToken ct)
    {
        if (!_schemaReady)
        {
            await JournalSchema.EnsureAsync(_sql, ct).ConfigureAwait(false);
            _schemaReady = true;
        }
        await _sql.ExecuteAsync(Insert, ct, migration ?? "", Environment.UserName, Kind, message, JsonSerializer.Serialize(data, Json)).ConfigureAwait(false);
    }

    /// <summary>The values behind a decision, as journaled.</summary>
    public static object Values(IEnumerable<SignalVerdict> verdicts) =>
        verdicts.Select(v => new
        {
            signal = v.Reading.Signal,
            subject = v.Reading.Subject,
            value = v.Reading.Value,
            unit = v.Reading.Unit,
            action = v.Action.ToString().ToLowerInvariant(),
            error = v.Reading.Error,
            detail = v.Reading.Detail,
        }).ToList();
}
