namespace Switchyard.Core.Runbook;

/// <summary>The change-board document as headings and blocks, rendered to markdown or HTML by the same content.</summary>
public sealed record RunbookDocument(string Title, IReadOnlyList<RunbookSection> Sections)
{
    public IEnumerable<string> Headings => Sections.Select(s => s.Heading);
}

/// <summary>A heading (level 2 or 3) and its blocks.</summary>
public sealed record RunbookSection(int Level, string Heading, IReadOnlyList<RunbookBlock> Blocks);

/// <summary>One block of content.</summary>
public abstract record RunbookBlock;

public sealed record RunbookParagraph(string Text) : RunbookBlock;

public sealed record RunbookBullets(IReadOnlyList<string> Items) : RunbookBlock;

/// <summary>Steps done in this order: a numbered list.</summary>
public sealed record RunbookNumbered(IReadOnlyList<string> Items) : RunbookBlock;

public sealed record RunbookCode(string Language, string Code) : RunbookBlock;

public sealed record RunbookTable(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : RunbookBlock;
