using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using WherebyGrains.Grains;

namespace WherebyGrains.Silo.Tests;

/// <summary>The silo-wide group commit against a real Azurite, its requests counted in the client's pipeline.</summary>
[Trait("Category", "Integration")]
public sealed class TableGroupCommitTests : AzuriteTest
{
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Entities_queued_together_go_as_one_transaction_per_partition_and_hundred()
    {
        var (commit, requests, table) = await NewCommitAsync("GroupCommitBatches");

        // Queued at once (well within one gathering): 250 entities of one partition, 30 of another.
        var written = Enumerable.Range(0, 250).Select(i => commit.UpsertAsync(Entity("a", i)))
            .Concat(Enumerable.Range(0, 30).Select(i => commit.UpsertAsync(Entity("b", i))))
            .ToList();
        await Task.WhenAll(written);

        // 100 + 100 + 50 and 30.
        Assert.Equal(4, requests.Count);
        Assert.Equal(250, await CountAsync(table, "a"));
        Assert.Equal(30, await CountAsync(table, "b"));
    }

    [Fact]
    public async Task Of_entities_of_one_key_queued_together_the_highest_order_is_written_and_both_complete()
    {
        var (commit, _, table) = await NewCommitAsync("GroupCommitOrder");

        // Queued in either order: neither the first nor the last queued wins, the highest order does.
        var writes = new[]
        {
            commit.UpsertAsync(new TableEntity("p", "newer-first") { ["Value"] = "newer" }, order: 5),
            commit.UpsertAsync(new TableEntity("p", "newer-first") { ["Value"] = "older" }, order: 3),
            commit.UpsertAsync(new TableEntity("p", "older-first") { ["Value"] = "older" }, order: 3),
            commit.UpsertAsync(new TableEntity("p", "older-first") { ["Value"] = "newer" }, order: 5),
        };
        await Task.WhenAll(writes);

        foreach (var key in new[] { "newer-first", "older-first" })
        {
            Assert.Equal("newer", (await table.GetEntityAsync<TableEntity>("p", key, cancellationToken: TestContext.Current.CancellationToken)).Value.GetString("Value"));
        }
    }

    [Fact]
    public async Task An_entity_the_storage_refuses_fails_alone_and_the_rest_of_its_transaction_is_written()
    {
        var (commit, _, table) = await NewCommitAsync("GroupCommitRefused");

        var good = Enumerable.Range(0, 9).Select(i => commit.UpsertAsync(Entity("p", i))).ToList();
        // A string property holds at most 64 KiB.
        var refused = commit.UpsertAsync(new TableEntity("p", "too-large") { ["Value"] = new string('x', 70_000) });

        await Task.WhenAll(good);
        await Assert.ThrowsAnyAsync<Exception>(() => refused);
        Assert.Equal(9, await CountAsync(table, "p"));
    }

    private async Task<(TableGroupCommit Commit, CountingPolicy Requests, TableClient Table)> NewCommitAsync(string name)
    {
        var requests = new CountingPolicy();
        var options = new TableClientOptions();
        options.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var table = new TableClient(Azurite.ConnectionString, name, options);
        var created = new CreatedTable(table);
        await created.GetAsync(TestContext.Current.CancellationToken);
        requests.Count = 0;
        return (new TableGroupCommit(created, StorageWriteGate.Unbounded, Gather, TimeProvider.System), requests, table);
    }

    private static TableEntity Entity(string partition, int i) => new(partition, $"row-{i:D4}") { ["Value"] = i };

    private static async Task<int> CountAsync(TableClient table, string partition)
    {
        var count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, select: ["RowKey"], cancellationToken: TestContext.Current.CancellationToken))
        {
            count++;
        }
        return count;
    }

    /// <summary>Counts the requests the client sends (retries included: none are expected here).</summary>
    private sealed class CountingPolicy : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count { get => _count; set => _count = value; }

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
