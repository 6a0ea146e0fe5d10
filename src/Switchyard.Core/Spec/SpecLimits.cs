using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Switchyard.Core.Spec;

/// <summary>
/// Bounds on what a spec may ask for, checked before anything is built from it: a hostile or runaway file gets a
/// one-line error instead of a stack overflow, an out-of-memory crash or a plan that takes minutes.
/// </summary>
public static class SpecLimits
{
    /// <summary>The largest spec file read. <value>1 MiB.</value></summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The deepest nesting of YAML mappings and lists. <value>64.</value></summary>
    public const int MaxDepth = 64;

    /// <summary>The most aliases one normalize_column may list (10,000 plan in well under a second). <value>50,000.</value></summary>
    public const int MaxAliases = 50_000;

    /// <summary>The longest code or alias, in UTF-8 bytes (each is a unique btree key). <value>2,000.</value></summary>
    public const int MaxValueBytes = 2000;

    /// <summary>Reads at most <see cref="MaxBytes"/> + 1 bytes, so /dev/zero or a huge file is refused without reading it all.</summary>
    public static string ReadFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[MaxBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0) break;
            read += n;
        }
        if (read > MaxBytes) throw TooLarge(path);
        return new UTF8Encoding(false, false).GetString(buffer, 0, read);
    }

    /// <summary>
    /// Refuses text over <see cref="MaxBytes"/>, and gives a parser that refuses YAML nested deeper than
    /// <see cref="MaxDepth"/> as it reads: the node builder recurses once per level, so it never gets deep.
    /// </summary>
    public static IParser Parser(string text, string file)
    {
        if (text.Length > MaxBytes || Encoding.UTF8.GetByteCount(text) > MaxBytes) throw TooLarge(file);
        return new DepthLimitedParser(new Parser(new StringReader(text)), file);
    }

    private sealed class DepthLimitedParser(IParser inner, string file) : IParser
    {
        private readonly HashSet<string> _scalarAnchors = new(StringComparer.Ordinal);
        private int _depth;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext()) return false;
            switch (inner.Current)
            {
                case MappingStart or SequenceStart when ++_depth > MaxDepth:
                    var at = inner.Current!.Start;
                    throw new SpecException(new SpecLocation(file, (int)at.Line, (int)at.Column),
                        $"the YAML is nested more than {MaxDepth} levels deep.", "A spec needs a few levels; remove the extra nesting.");
                case MappingEnd or SequenceEnd:
                    _depth--;
                    break;
                case Scalar { Anchor.IsEmpty: false } scalar:
                    _scalarAnchors.Add(scalar.Anchor.Value);
                    break;
                // An alias of a list or mapping nests copies of copies (a "billion laughs"): reading, comparing or
                // hashing it takes exponential time. An alias of one scalar costs nothing, so it stays allowed.
                case AnchorAlias alias when !_scalarAnchors.Contains(alias.Value.Value):
                    var where = alias.Start;
                    throw new SpecException(new SpecLocation(file, (int)where.Line, (int)where.Column),
                        $"the YAML alias *{alias.Value.Value} refers to a list or mapping; a spec allows aliases of single values only.",
                        "Write the list or mapping out where it is used.");
            }
            return true;
        }
    }

    private static SpecException TooLarge(string file) => new(new SpecLocation(file, 1, 1),
        $"the spec is larger than {MaxBytes / 1024 / 1024} MiB (the limit).", "Pass a YAML migration spec; split a very long alias list across migrations.");
}
