using Switchyard.Core.Journal;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Evidence;

/// <summary>A fresh database with the journal schema and helpers to journal migrations and tamper with their events.</summary>
public sealed class JournalDatabase : TestDatabase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await JournalSchema.EnsureAsync(Runner(), CancellationToken.None);
    }

    public MigrationJournal Journal() => new(Runner());

    /// <summary>A migration row (no plan needed) with <paramref name="events"/> events written the way the engine writes them; returns its id.</summary>
    public async Task<long> MigrationWithEventsAsync(string name, int events)
    {
        var id = (await Runner().ScalarAsync<long>(
            "INSERT INTO switchyard.migrations (name, target_table, spec_checksum, phase, state) VALUES ($1, 'public.transactions', 'spec', 'expand', 'waiting') RETURNING id",
            CancellationToken.None, name))!;
        for (var i = 1; i <= events; i++)
            await Journal().EventAsync(id, "note", $"event {i} of {name}", new { n = i, amount_minor = 1050 * i }, CancellationToken.None);
        return id;
    }

    public async Task<long[]> EventIdsAsync(long migrationId)
    {
        var events = await Journal().EventsAsync(migrationId, CancellationToken.None);
        return [.. events.Select(e => e.Id)];
    }

    /// <summary>What someone with write access to the table could do: bypasses the append-only trigger in this session only.</summary>
    public Task TamperAsync(string sql) => ExecuteAsync("SET session_replication_role = replica; " + sql + "; RESET session_replication_role");
}
