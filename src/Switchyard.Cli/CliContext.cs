using System.CommandLine;
using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Core.Connections;
using Switchyard.Core.Execution;
using Switchyard.Core.LocalPostgres;

namespace Switchyard.Cli;

/// <summary>What a command needs from its parse result: the target database, logging, the SQL runner.</summary>
internal sealed class CliContext : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public CliContext(ParseResult parseResult)
    {
        ParseResult = parseResult;
        Verbose = parseResult.GetValue(GlobalOptions.Verbose);
        LocalOptions = new LocalClusterOptions
        {
            Home = parseResult.GetValue(GlobalOptions.Home) is { Length: > 0 } home ? Path.GetFullPath(home) : LocalClusterOptions.DefaultHome(),
            BinDirectory = parseResult.GetValue(GlobalOptions.PgBin),
        };
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddFilter(level => level >= (Verbose ? LogLevel.Information : LogLevel.Warning)));
    }

    public ParseResult ParseResult { get; }
    public bool Verbose { get; }
    public LocalClusterOptions LocalOptions { get; }
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The clock commands stamp what they print with.</summary>
    public TimeProvider Time { get; } = TimeProvider.System;
    public ConnectionSettings? Target { get; private set; }

    /// <summary>Resolves the target database and checks that it answers, with a clear error when it does not.</summary>
    public async Task<ConnectionSettings> ConnectAsync(CancellationToken ct, string? managedDatabase = null)
    {
        var target = await ConnectionResolver.ResolveAsync(ParseResult.GetValue(GlobalOptions.Connection), LocalOptions, ct).ConfigureAwait(false);
        // On stderr, so --json output stays one document: starting a server is something the operator must know.
        if (target.StartedManagedCluster)
            await Console.Error.WriteLineAsync($"note: started the managed PostgreSQL cluster in {LocalOptions.Home} (it was stopped); `switchyard local stop` stops it.").ConfigureAwait(false);
        if (target.IsManagedCluster && managedDatabase is not null)
        {
            await ManagedDatabase.EnsureAsync(target.ConnectionString, managedDatabase, ct).ConfigureAwait(false);
            target = target.ForDatabase(managedDatabase);
        }
        Target = target;
        _dataSource = DataSourceFactory.Create(target);
        try
        {
            await using var probe = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (DatabaseErrors.Explain(e, target) is { } explained)
        {
            throw explained;
        }
        return target;
    }

    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("ConnectAsync first.");

    public SafeSqlRunner Sql(SafeSqlOptions? options = null) =>
        new(DataSource, options, LoggerFactory.CreateLogger<SafeSqlRunner>());

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync().ConfigureAwait(false);
        LoggerFactory.Dispose();
    }
}
