using Switchyard.Core.Execution;

namespace Switchyard.Core.Tests.Execution;

public sealed class LockModesTests
{
    [Fact]
    public void ConflictTable_IsSymmetric()
    {
        var modes = Enum.GetValues<LockMode>().Where(m => m != LockMode.None).ToArray();
        foreach (var a in modes)
        foreach (var b in modes)
            LockModes.Conflicts(a, b).ShouldBe(LockModes.Conflicts(b, a), $"{a} vs {b}");
    }

    [Theory]
    [InlineData(LockMode.AccessExclusive, LockMode.AccessShare, true)]
    [InlineData(LockMode.ShareUpdateExclusive, LockMode.RowExclusive, false)]
    [InlineData(LockMode.ShareUpdateExclusive, LockMode.ShareUpdateExclusive, true)]
    [InlineData(LockMode.ShareRowExclusive, LockMode.RowExclusive, true)]
    [InlineData(LockMode.Share, LockMode.AccessShare, false)]
    public void Conflicts_MatchesThePostgresManual(LockMode a, LockMode b, bool expected) => LockModes.Conflicts(a, b).ShouldBe(expected);

    [Fact]
    public void PgNames_RoundTrip()
    {
        foreach (var mode in Enum.GetValues<LockMode>().Where(m => m != LockMode.None))
            LockModes.FromPgName(LockModes.PgName(mode)).ShouldBe(mode);
    }
}
