using Switchyard.Core.Journal;

namespace Switchyard.Core.Chains;

/// <summary>Where a chain file stands against the journal.</summary>
public enum ChainEntryState
{
    /// <summary>Not in the journal: it will run.</summary>
    Pending,

    /// <summary>Started and not completed (waiting at a gate, paused, failed or rolled back): the next run continues it.</summary>
    InProgress,

    /// <summary>Completed (or adopted by baseline) with this exact file.</summary>
    Applied,

    /// <summary>In the journal with a different checksum: the file changed after it ran.</summary>
    Edited,
}

/// <summary>A chain file, its journal record (null when pending) and what that makes it.</summary>
public sealed record ChainEntry(ChainFile File, MigrationRecord? Record, ChainEntryState State)
{
    public static ChainEntry Of(ChainFile file, MigrationRecord? record) => new(file, record, record switch
    {
        null => ChainEntryState.Pending,
        // A rolled-back migration may come back changed; anything else that ran must run as written.
        _ when record.SpecChecksum != file.Spec.Checksum && record.State != MigrationStates.RolledBack => ChainEntryState.Edited,
        { State: MigrationStates.Completed } => ChainEntryState.Applied,
        _ => ChainEntryState.InProgress,
    });
}
