using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Audit;

public sealed class AuditChainTests
{
    private static AuditEvent Event(int n, Guid? merchantId = null) => new()
    {
        Category = "devices",
        Action = "device.locked",
        Summary = $"Locked terminal SN-{n:0000}",
        ActorName = "Ada Owner",
        MerchantId = merchantId,
        TargetType = "device",
        TargetId = $"SN-{n:0000}",
        IpAddress = "203.0.113.7",
    };

    [Theory, BothDatabases]
    public async Task Concurrent_appends_form_one_intact_chain(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(n => log.RecordAsync(Event(n))));

        var verification = await log.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(40, verification.RowsChecked);
    }

    [Theory, BothDatabases]
    public async Task Editing_a_row_is_detected_at_that_row(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System);
        for (var n = 0; n < 5; n++)
        {
            await log.RecordAsync(Event(n));
        }

        await using (var connection = await connections.OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE audit_log SET summary = 'Nothing happened' WHERE seq = 3");
        }

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSeq);
        Assert.Contains("changed", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task Deleting_a_row_is_detected_at_the_next_row(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System);
        for (var n = 0; n < 5; n++)
        {
            await log.RecordAsync(Event(n));
        }

        await using (var connection = await connections.OpenAsync())
        {
            await connection.ExecuteAsync("DELETE FROM audit_log WHERE seq = 2");
        }

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(3, verification.FirstBrokenSeq);
        Assert.Contains("removed", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task A_row_inserted_into_the_middle_is_detected_even_when_its_own_hash_is_right(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System);
        for (var n = 0; n < 5; n++)
        {
            await log.RecordAsync(Event(n));
        }

        // Someone with write access to the table slips a well-formed entry in after entry 2 and moves the later ones up.
        const string columns = "id, occurred_at, category, action, outcome, summary, actor_id, actor_name, merchant_id, target_type, target_id, ip_address, user_agent, prev_hash, hash";
        var overriding = provider == DatabaseProvider.Postgres ? "OVERRIDING SYSTEM VALUE" : "";
        await using (var connection = await connections.OpenAsync())
        {
            var second = (await log.SearchAsync(new AuditQuery { Take = 10 })).Rows.Single(r => r.Seq == 2);
            var forged = Event(99) with { Summary = "Unlocked terminal SN-0099 (never happened)" };
            var id = Guid.NewGuid();
            var at = AuditHash.Normalise(second.OccurredAt.AddSeconds(1));
            await connection.ExecuteAsync("CREATE TEMP TABLE moved AS SELECT * FROM audit_log WHERE seq >= 3");
            await connection.ExecuteAsync("DELETE FROM audit_log WHERE seq >= 3");
            await connection.ExecuteAsync(
                $"""
                INSERT INTO audit_log (seq, id, occurred_at, category, action, outcome, summary, actor_name, target_type, target_id, ip_address, prev_hash, hash)
                {overriding} VALUES (3, @id, @at, @Category, @Action, 0, @Summary, @ActorName, @TargetType, @TargetId, @IpAddress, @prev, @hash)
                """,
                new { id, at, forged.Category, forged.Action, forged.Summary, forged.ActorName, forged.TargetType, forged.TargetId, forged.IpAddress,
                    prev = second.Hash, hash = AuditHash.Compute(second.Hash, id, at, forged) });
            await connection.ExecuteAsync($"INSERT INTO audit_log (seq, {columns}) {overriding} SELECT seq + 1, {columns} FROM moved");
        }

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
        Assert.Contains("does not follow", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task Search_is_scoped_to_the_given_merchants_filtered_and_paged(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System);
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        for (var n = 0; n < 7; n++)
        {
            await log.RecordAsync(Event(n, mine));
        }

        await log.RecordAsync(Event(100, theirs));
        await log.RecordAsync(Event(200) with { Category = "authentication", Action = "sign-in.failed", Outcome = AuditOutcome.Failure });

        var firstPage = await log.SearchAsync(new AuditQuery { MerchantIds = [mine], Take = 5 });
        var secondPage = await log.SearchAsync(new AuditQuery { MerchantIds = [mine], Take = 5, Skip = 5 });
        var byText = await log.SearchAsync(new AuditQuery { MerchantIds = [mine, theirs], Text = "sn-0100" });
        var none = await log.SearchAsync(new AuditQuery { MerchantIds = [] });
        var platform = await log.SearchAsync(new AuditQuery { Category = "authentication" });

        Assert.Equal(7, firstPage.Total);
        Assert.Equal(5, firstPage.Rows.Count);
        Assert.Equal(2, secondPage.Rows.Count);
        Assert.All(firstPage.Rows.Concat(secondPage.Rows), r => Assert.Equal(mine, r.MerchantId));
        Assert.Equal("Locked terminal SN-0006", firstPage.Rows[0].Summary);
        Assert.Equal(theirs, Assert.Single(byText.Rows).MerchantId);
        Assert.Equal(0, none.Total);
        Assert.Equal(AuditOutcome.Failure, Assert.Single(platform.Rows).Outcome);
    }
}
