using Microsoft.Extensions.Logging;
using Npgsql;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Mismatches;
using Switchyard.Compat.Reads;

namespace Switchyard.Samples.Ledger.App.V2;

/// <summary>
/// One running app v2 instance with everything the library needs: its flag client (LISTEN + polling), its shadow-read
/// recorder and the publisher that writes the figures to <c>switchyard.compat_mismatches</c> for the guards. What a
/// workload or a service host starts once per process and disposes at shutdown.
/// </summary>
public sealed class LedgerAppV2Instance : IAsyncDisposable
{
    private LedgerAppV2Instance(LedgerAppV2 app, FlagClient flags, MismatchRecorder mismatches, MismatchPublisher publisher)
    {
        App = app;
        Flags = flags;
        Mismatches = mismatches;
        Publisher = publisher;
    }

    public LedgerAppV2 App { get; }
    public FlagClient Flags { get; }
    public MismatchRecorder Mismatches { get; }
    public MismatchPublisher Publisher { get; }

    /// <param name="dataSource">The ledger database; the instance does not own it.</param>
    public static async Task<LedgerAppV2Instance> StartAsync(NpgsqlDataSource dataSource, FlagClientOptions? flagOptions = null,
        MismatchPublisherOptions? publisherOptions = null, ILoggerFactory? logging = null, CancellationToken ct = default)
    {
        var flags = await FlagClient.StartAsync(dataSource, flagOptions, logging?.CreateLogger<FlagClient>(), ct).ConfigureAwait(false);
        var mismatches = new MismatchRecorder();
        try
        {
            var publisher = await MismatchPublisher.StartAsync(dataSource, mismatches, publisherOptions, logging?.CreateLogger<MismatchPublisher>(), ct).ConfigureAwait(false);
            var app = new LedgerAppV2(dataSource, flags, new CompatReader(flags, mismatches, logging?.CreateLogger<CompatReader>()));
            return new LedgerAppV2Instance(app, flags, mismatches, publisher);
        }
        catch
        {
            mismatches.Dispose();
            await flags.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes the last figures, then stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        await Publisher.DisposeAsync().ConfigureAwait(false);
        await Flags.DisposeAsync().ConfigureAwait(false);
        Mismatches.Dispose();
    }
}
