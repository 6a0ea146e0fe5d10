using System.Globalization;

namespace Switchyard.Core.Runbook;

/// <summary>The runbook's first sections: what the change board files it under, and the blanks it signs.</summary>
internal static class RunbookChangeRecord
{
    private const string Blank = "____________________";

    public static IEnumerable<RunbookSection> Sections(RunbookHeader header)
    {
        yield return new RunbookSection(2, "Change record",
        [
            new RunbookTable(["item", "value"],
            [
                ["generated", header.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)],
                ["tool", $"switchyard {header.ToolVersion}"],
                ["target (server/database)", header.Target],
                ["owner", header.Owner ?? Blank],
                ["approvers", header.Approvers.Count > 0 ? string.Join(", ", header.Approvers) : Blank],
                ["change window", header.ChangeWindow ?? Blank],
            ]),
            new RunbookParagraph("Estimates below come from planner statistics at generation time; regenerate the runbook if the table grew or the spec changed (its checksum is in the summary)."),
        ]);
        IEnumerable<IReadOnlyList<string>> signers =
        [
            ["owner", header.Owner ?? "", "", ""],
            .. (header.Approvers.Count > 0 ? header.Approvers : [""]).Select(a => (IReadOnlyList<string>)["approver", a, "", ""]),
            ["SRE on call", "", "", ""],
        ];
        yield return new RunbookSection(2, "Sign-off",
        [
            new RunbookParagraph("Each signer confirms they read the phases, the rollback of each, and the point of no return."),
            new RunbookTable(["role", "name", "signature", "date (UTC)"], [.. signers.Select(r => (IReadOnlyList<string>)[.. r.Select(c => c.Length == 0 ? Blank : c)])]),
        ]);
    }
}
