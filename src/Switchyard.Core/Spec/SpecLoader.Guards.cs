using System.Globalization;
using Switchyard.Core.Guards;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Spec;

/// <summary>The spec's optional <c>guards:</c> section.</summary>
public static partial class SpecLoader
{
    private static readonly string[] RuleKeys = ["slow_at", "slow_delay", "pause_at", "resume_below", "abort_at", "rollback_at", "pause_recheck"];

    /// <summary>The spec re-written without <c>guards:</c>, for the checksum.</summary>
    private static string WithoutGuards(YamlMappingNode root)
    {
        var copy = new YamlMappingNode();
        foreach (var (key, value) in root.Children)
            if ((key as YamlScalarNode)?.Value != "guards") copy.Add(key, value);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(copy)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    internal sealed partial class Reader
    {
        private const string RuleExample = "`replication_lag_bytes: { pause_at: 64MiB, resume_below: 8MiB }`";

        public SpecGuards Guards(YamlNode node)
        {
            var map = Map(node, "guards", "`guards: { long_transaction_after: 60s, rules: { ... } }`");
            Only(map, "long_transaction_after", "rules");
            TimeSpan? longTransaction = Optional(map, "long_transaction_after") is { } lt ? Duration(lt, "long_transaction_after") : null;
            var rules = new Dictionary<string, GuardRule>();
            if (Optional(map, "rules") is { } rulesNode)
            {
                foreach (var (signalNode, ruleNode) in Map(rulesNode, "rules", $"a mapping of signal → rule, e.g. {RuleExample}").Children)
                {
                    var signal = Text(signalNode, "signal");
                    if (!GuardRules.Defaults.ContainsKey(signal))
                        throw Error(signalNode, $"unknown guard signal '{signal}'.", "Known signals: " + string.Join(", ", GuardRules.Defaults.Keys) + ".");
                    rules[signal] = Rule(signal, Map(ruleNode, signal, RuleExample));
                }
            }
            return new SpecGuards(rules, longTransaction);
        }

        /// <summary>A rule starts from the signal's default, so a spec names only what it changes.</summary>
        private GuardRule Rule(string signal, YamlMappingNode map)
        {
            Only(map, RuleKeys);
            var rule = GuardRules.For(signal, null);
            double? Threshold(string key) => Optional(map, key) is { } n ? Amount(n, key) : key switch
            {
                "slow_at" => rule.SlowAt,
                "pause_at" => rule.PauseAt,
                "resume_below" => Optional(map, "pause_at") is null ? rule.ResumeBelow : null,
                "abort_at" => rule.AbortAt,
                _ => rule.RollbackAt,
            };
            var result = rule with
            {
                SlowAt = Threshold("slow_at"),
                PauseAt = Threshold("pause_at"),
                ResumeBelow = Threshold("resume_below"),
                AbortAt = Threshold("abort_at"),
                RollbackAt = Threshold("rollback_at"),
                SlowDelay = Optional(map, "slow_delay") is { } sd ? Duration(sd, "slow_delay") : rule.SlowDelay,
                PauseRecheck = Optional(map, "pause_recheck") is { } pr ? Duration(pr, "pause_recheck") : rule.PauseRecheck,
            };
            try
            {
                result.Validate(signal);
            }
            catch (SwitchyardException e)
            {
                throw Error(map, e.Message.TrimEnd('.') + ".", e.Hint ?? $"Fix the rule, e.g. {RuleExample}.");
            }
            return result;
        }

        /// <summary>A threshold in the signal's unit; byte sizes may carry kB/MB/GB or KiB/MiB/GiB; <c>off</c> turns it off.</summary>
        private double? Amount(YamlNode node, string key)
        {
            var text = Text(node, key).Trim();
            if (text is "off" or "none") return null;
            var (number, factor) = SplitUnit(text);
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
                return value * factor;
            throw Error(node, $"'{key}' must be a number of zero or more (bytes may carry kB, MB, GB, KiB, MiB or GiB), or off; got '{text}'.",
                $"Write e.g. `{key}: 64MiB`, `{key}: 10` (seconds) or `{key}: 0.001` (a rate).");
        }

        private static (string Number, double Factor) SplitUnit(string text)
        {
            foreach (var (unit, factor) in new (string, double)[] { ("KiB", 1024), ("MiB", 1024 * 1024), ("GiB", 1024d * 1024 * 1024), ("kB", 1000), ("MB", 1e6), ("GB", 1e9) })
                if (text.EndsWith(unit, StringComparison.Ordinal)) return (text[..^unit.Length].Trim(), factor);
            return (text, 1);
        }

        private TimeSpan Duration(YamlNode node, string key)
        {
            var text = Text(node, key);
            return DurationText.TryParse(text, out var d) && d > TimeSpan.Zero ? d
                : throw Error(node, $"'{key}' must be a positive duration, got '{text}'.", $"Write e.g. `{key}: 500ms`, `{key}: 30s` or `{key}: 2m`.");
        }
    }
}
