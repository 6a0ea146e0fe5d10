using Switchyard.Core.Planning;

namespace Switchyard.Core.Runbook;

/// <summary>What an operation may read to word its runbook checks: the plan and the size of its table.</summary>
public sealed record RunbookFacts(MigrationPlan Plan, RunbookTableSize Size);
