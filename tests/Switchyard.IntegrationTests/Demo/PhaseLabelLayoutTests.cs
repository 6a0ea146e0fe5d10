using Switchyard.Samples.Ledger.Cli.Demo;

namespace Switchyard.IntegrationTests.Demo;

/// <summary>Phase names on the charts' top edge: never on top of each other, never past the axis.</summary>
public sealed class PhaseLabelLayoutTests
{
    [Fact]
    public void Positions_ShortPhasesSideBySide_KeptAtLeastTheGapApartWithinTheAxis()
    {
        // Given the demo's shape: long phases, then a 0.2 s contract and the after phase right at the end of the axis
        (double, double)[] bands = [(0, 16), (16, 24), (24, 60), (60, 68), (68, 68.1), (68.1, 68.3), (68.3, 76)];

        // When laid out with a 2 s minimum gap on a 0..76 s axis
        var x = PhaseLabelLayout.Positions(bands, 0, 76, 2);

        // Then every label is inside the axis, in order, and no two are closer than the gap
        x.Length.ShouldBe(bands.Length);
        x.ShouldAllBe(p => p >= 0 && p <= 76);
        for (var i = 1; i < x.Length; i++) (x[i] - x[i - 1]).ShouldBeGreaterThanOrEqualTo(2 - 1e-9, $"labels {i - 1} and {i}: {string.Join(", ", x)}");
        // And a label with room stays at the middle of its band
        x[0].ShouldBe(8);
        x[2].ShouldBe(42);
    }

    [Fact]
    public void Positions_MoreLabelsThanRoom_SpreadEvenlyOverTheAxis()
    {
        // Given five zero-length phases at the same instant and room for fewer at the gap asked for
        (double, double)[] bands = [(5, 5), (5, 5), (5, 5), (5, 5), (5, 5)];

        // When laid out on a 0..4 axis with a 2 s gap
        var x = PhaseLabelLayout.Positions(bands, 0, 4, 2);

        // Then they stay on the axis, in order, evenly spaced
        x.ShouldBe([0, 1, 2, 3, 4]);
    }
}
