namespace Switchyard.Core.Runbook.Scale;

/// <summary>A number the scale estimate uses and where it came from, so the runbook can name every source.</summary>
/// <param name="Measured">True when it was measured on this table or cluster (or given by the operator), false for a documented default.</param>
public sealed record ScaleFigure(double Value, string Source, bool Measured = true)
{
    /// <summary>A documented default, named as one.</summary>
    public static ScaleFigure Default(double value, string why) => new(value, $"documented default ({why})", false);
}
