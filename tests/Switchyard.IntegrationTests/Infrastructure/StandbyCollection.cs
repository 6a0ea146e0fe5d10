namespace Switchyard.IntegrationTests.Infrastructure;

/// <summary>
/// Tests that use the one streaming standby run one after another: one test pausing replay would otherwise show up as
/// lag in another test's "healthy standby" starting point.
/// </summary>
[CollectionDefinition(nameof(StandbyCollection), DisableParallelization = true)]
public sealed class StandbyCollection;
