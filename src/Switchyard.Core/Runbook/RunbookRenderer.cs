using System.Net;
using System.Text;

namespace Switchyard.Core.Runbook;

/// <summary>The formats the runbook is printed in.</summary>
public enum RunbookFormat
{
    Markdown,
    Html,
}

/// <summary>Renders a <see cref="RunbookDocument"/> as GitHub-flavoured markdown or a self-contained HTML page.</summary>
public static class RunbookRenderer
{
    public static string Render(RunbookDocument doc, RunbookFormat format) => format == RunbookFormat.Html ? Html(doc) : Markdown(doc);

    public static string Markdown(RunbookDocument doc)
    {
        var sb = new StringBuilder();
        sb.Append("# ").AppendLine(doc.Title).AppendLine();
        foreach (var section in doc.Sections)
        {
            sb.Append(new string('#', section.Level)).Append(' ').AppendLine(section.Heading).AppendLine();
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case RunbookParagraph p: sb.AppendLine(p.Text); break;
                    case RunbookBullets b: foreach (var item in b.Items) sb.Append("- ").AppendLine(item); break;
                    case RunbookNumbered n: foreach (var (item, i) in n.Items.Select((item, i) => (item, i))) sb.Append(i + 1).Append(". ").AppendLine(item); break;
                    case RunbookCode c: sb.Append("```").AppendLine(c.Language).AppendLine(c.Code).AppendLine("```"); break;
                    case RunbookTable t:
                        sb.Append("| ").AppendJoin(" | ", t.Headers.Select(Cell)).AppendLine(" |");
                        sb.Append('|').AppendJoin("|", t.Headers.Select(_ => "---")).AppendLine("|");
                        foreach (var row in t.Rows) sb.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
                        break;
                }
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }

    public static string Html(RunbookDocument doc)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
          .Append("<title>").Append(E(doc.Title)).AppendLine("</title>")
          .AppendLine("<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.25rem .5rem;vertical-align:top}pre{background:#f4f4f4;padding:.5rem;overflow:auto}code{background:#f4f4f4;padding:0 .2rem}</style>")
          .AppendLine("</head><body>");
        sb.Append("<h1>").Append(E(doc.Title)).AppendLine("</h1>");
        foreach (var section in doc.Sections)
        {
            sb.Append($"<h{section.Level}>").Append(E(section.Heading)).AppendLine($"</h{section.Level}>");
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case RunbookParagraph p: sb.Append("<p>").Append(Inline(p.Text)).AppendLine("</p>"); break;
                    case RunbookBullets b: List(sb, "ul", b.Items); break;
                    case RunbookNumbered n: List(sb, "ol", n.Items); break;
                    case RunbookCode c: sb.Append("<pre><code class=\"language-").Append(E(c.Language)).Append("\">").Append(E(c.Code)).AppendLine("</code></pre>"); break;
                    case RunbookTable t:
                        sb.Append("<table><thead><tr>").AppendJoin("", t.Headers.Select(h => $"<th>{E(h)}</th>")).AppendLine("</tr></thead><tbody>");
                        foreach (var row in t.Rows) sb.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{Inline(c)}</td>")).AppendLine("</tr>");
                        sb.AppendLine("</tbody></table>");
                        break;
                }
            }
        }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void List(StringBuilder sb, string tag, IReadOnlyList<string> items)
    {
        sb.Append('<').Append(tag).AppendLine(">");
        foreach (var item in items) sb.Append("<li>").Append(Inline(item)).AppendLine("</li>");
        sb.Append("</").Append(tag).AppendLine(">");
    }

    /// <summary>Text with markdown code spans (`…`) as &lt;code&gt;, everything HTML-encoded; an unpaired backtick stays literal.</summary>
    private static string Inline(string text)
    {
        var parts = text.Split('`');
        var sb = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var code = i % 2 == 1 && i < parts.Length - 1;
            if (code) sb.Append("<code>").Append(WebUtility.HtmlEncode(parts[i])).Append("</code>");
            else sb.Append(i % 2 == 1 ? "`" : "").Append(WebUtility.HtmlEncode(parts[i]));
        }
        return sb.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);
}
