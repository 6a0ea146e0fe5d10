using Microsoft.Extensions.DependencyInjection;
using Microsoft.FeatureManagement;
using Switchyard.Compat.FeatureManagement;
using Switchyard.Compat.Flags;
using Switchyard.Compat.Mismatches;
using Switchyard.Compat.Reads;
using Switchyard.IntegrationTests.Infrastructure;

namespace Switchyard.IntegrationTests.Compat;

public sealed class FeatureManagementTests : IClassFixture<TestDatabase>
{
    private const string Flag = "public.transactions.status";
    private static readonly string ReadNew = SwitchyardFeatures.Name(Flag, SwitchyardFeatures.ReadNew);
    private static readonly string ReadShadow = SwitchyardFeatures.Name(Flag, SwitchyardFeatures.ReadShadow);
    private static readonly string WriteNew = SwitchyardFeatures.Name(Flag, SwitchyardFeatures.WriteNew);
    private static readonly string WriteLegacy = SwitchyardFeatures.Name(Flag, SwitchyardFeatures.WriteLegacy);
    private readonly TestDatabase _db;

    public FeatureManagementTests(TestDatabase db) => _db = db;

    [Fact]
    public async Task FeatureManager_RealInstance_SeesTheDatabaseFlagsAndTheirFlips()
    {
        // Given flags in the database, a flag client, and an app wired the usual FeatureManagement way
        await FlagStore.EnsureAsync(_db);
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.Shadow, 0, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource);
        await FlagStore.WaitForVersionAsync(flags, Flag, version);
        var services = new ServiceCollection();
        services.AddSingleton<ICompatFlags>(flags);
        services.AddSwitchyardFeatureDefinitions();
        services.AddFeatureManagement().AddSwitchyardRollout();
        await using var provider = services.BuildServiceProvider();
        var features = provider.GetRequiredService<IFeatureManager>();
        features.ShouldBeOfType<FeatureManager>();

        // Then the features list and states follow the flag: shadow reads, both writes
        var names = new List<string>();
        await foreach (var name in features.GetFeatureNamesAsync()) names.Add(name);
        names.ShouldBe([ReadNew, ReadShadow, WriteNew, WriteLegacy], ignoreOrder: true);
        (await features.IsEnabledAsync(ReadShadow)).ShouldBeTrue();
        (await features.IsEnabledAsync(ReadNew)).ShouldBeFalse();
        (await features.IsEnabledAsync(WriteNew)).ShouldBeTrue();
        (await features.IsEnabledAsync(WriteLegacy)).ShouldBeTrue();

        // When the engine flips to new_only reads and new-only writes
        version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.NewOnly, 100, WriteMode.New);
        await FlagStore.WaitForVersionAsync(flags, Flag, version);

        // Then the same FeatureManager reports the new state with no restart
        (await features.IsEnabledAsync(ReadShadow)).ShouldBeFalse();
        (await features.IsEnabledAsync(ReadNew)).ShouldBeTrue();
        (await features.IsEnabledAsync(WriteNew)).ShouldBeTrue();
        (await features.IsEnabledAsync(WriteLegacy)).ShouldBeFalse();
        (await features.IsEnabledAsync("Switchyard.public.transactions.status.Unknown")).ShouldBeFalse();
    }

    [Fact]
    public async Task ReadNewPerKey_AtNPercent_AgreesWithTheLibraryRoute()
    {
        // Given reads new at 25%
        await FlagStore.EnsureAsync(_db);
        var version = await FlagStore.SetAsync(_db.DataSource, Flag, ReadMode.New, 25, WriteMode.Both);
        await using var flags = await FlagClient.StartAsync(_db.DataSource);
        await FlagStore.WaitForVersionAsync(flags, Flag, version);
        var features = new FeatureManager(new SwitchyardFeatureDefinitionProvider(flags), new FeatureManagementOptions())
        {
            FeatureFilters = [new SwitchyardRolloutFilter(flags)],
        };
        using var recorder = new MismatchRecorder();
        var reader = new CompatReader(flags, recorder);

        // When 2,000 account ids are evaluated through FeatureManagement with a rollout context
        var enabled = 0;
        for (var account = 1; account <= 2_000; account++)
        {
            var key = account.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var on = await features.IsEnabledAsync(ReadNew, new RolloutContext(key));
            // Then each answer is exactly the library's own routing for that key
            on.ShouldBe(reader.Route(Flag, key) == ReadPath.New);
            if (on) enabled++;
        }
        enabled.ShouldBeInRange(400, 600);
        // And without a key, a partial rollout is off for everyone (no per-request coin flips)
        (await features.IsEnabledAsync(ReadNew)).ShouldBeFalse();
    }
}
