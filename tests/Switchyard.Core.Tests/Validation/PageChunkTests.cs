using Npgsql;
using Switchyard.Core;
using Switchyard.Core.Execution;
using Switchyard.Core.Operations;
using Switchyard.Core.Validation;
using Switchyard.Samples.Ledger.Schema;

namespace Switchyard.Core.Tests.Validation;

public sealed class PageChunkTests
{
    // Never opened: chunk planning reads only the facts.
    private static readonly NpgsqlDataSource Unused = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=unused");

    private static ValidationScope Scope(long pages, double rows, long chunkKeys) => new(new SafeSqlRunner(Unused),
        LedgerFlagship.Target(), LedgerFlagship.Reconciliation(), new ValidationOptions { ChunkKeys = chunkKeys },
        new TableFacts(true, true, true, true, null, 1, (long)rows, rows, pages));

    [Fact]
    public void PageChunks_CoverEveryPageOnce_SizedLikeTheKeyChunksAndTheLastIsOpenEnded()
    {
        // 100 rows a page, 1,000 keys a chunk → 10 pages a chunk
        var chunks = Scope(pages: 95, rows: 9_500, chunkKeys: 1_000).PageChunks();

        chunks.Count.ShouldBe(10);
        chunks[0].ShouldBe(new PageChunk(0, 10));
        chunks.Zip(chunks.Skip(1)).ShouldAllBe(p => p.First.To == p.Second.From);
        chunks[^1].ShouldBe(new PageChunk(90, null));
    }

    [Fact]
    public void AnEmptyHeap_IsOneOpenEndedChunk_SoRowsAddedSinceAreStillRead()
    {
        var scope = new ValidationScope(new SafeSqlRunner(Unused), LedgerFlagship.Target(), LedgerFlagship.Reconciliation(),
            new ValidationOptions(), new TableFacts(true, true, true, true, null, null, null, 0, 0));

        scope.PageChunks().ShouldBe([new PageChunk(0, null)]);
    }

    [Theory]
    [InlineData(1L << 30, 2L << 30, true)]
    [InlineData(2L << 30, 2L << 30, true)]
    [InlineData((2L << 30) + 8192, 2L << 30, false)]
    [InlineData(8192, 0, false)]
    public void SinglePass_OnlyForAHeapWithinTheLimit(long heapBytes, long limit, bool expected)
    {
        var scope = new ValidationScope(new SafeSqlRunner(Unused), LedgerFlagship.Target(), LedgerFlagship.Reconciliation(),
            new ValidationOptions { SinglePassMaxBytes = limit }, new TableFacts(true, true, true, true, null, 1, 10, 10, heapBytes / 8192, null, heapBytes));

        scope.SinglePass.ShouldBe(expected);
    }

    [Fact]
    public void ANegativeSinglePassLimit_IsRefused_SayingHowToAlwaysChunk()
    {
        var error = Should.Throw<SwitchyardException>(() => new ValidationOptions { SinglePassMaxBytes = -1 }.Validate());

        error.Message.ShouldContain("-1");
        error.Hint.ShouldNotBeNull().ShouldContain("--single-pass-max-mb 0");
    }

    [Fact]
    public void Condition_IsATidRange_OnTheAlias()
    {
        new PageChunk(6420, 12840).Condition("t").ShouldBe("t.ctid >= '(6420,0)'::tid AND t.ctid < '(12840,0)'::tid");
        new PageChunk(7, null).Condition("t").ShouldBe("t.ctid >= '(7,0)'::tid");
    }
}
