using AdminPortal.Features.Audit;
using AdminPortal.Infrastructure.Database;
using AdminPortal.Testing;
using Dapper;

namespace AdminPortal.IntegrationTests.Audit;

public sealed class AuditChainTests
{
    private static readonly byte[] PortalKey = AuditChainKeys.NewKey();
    private static readonly AuditChainKeys Keys = new(PortalKey);

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
        var log = new AuditLog(connections, TimeProvider.System, Keys);

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
        var log = new AuditLog(connections, TimeProvider.System, Keys);
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
        var log = new AuditLog(connections, TimeProvider.System, Keys);
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
    public async Task A_row_inserted_into_the_middle_is_detected_even_when_its_own_seal_is_right(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
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
                INSERT INTO audit_log (seq, id, occurred_at, category, action, outcome, summary, actor_name, target_type, target_id, ip_address, prev_hash, hash, key_id)
                {overriding} VALUES (3, @id, @at, @Category, @Action, 0, @Summary, @ActorName, @TargetType, @TargetId, @IpAddress, @prev, @hash, @keyId)
                """,
                new { id, at, forged.Category, forged.Action, forged.Summary, forged.ActorName, forged.TargetType, forged.TargetId, forged.IpAddress,
                    prev = second.Hash, hash = AuditHash.ComputeKeyed(PortalKey, Keys.CurrentId, second.Hash, id, at, forged), keyId = Keys.CurrentId });
            await connection.ExecuteAsync($"INSERT INTO audit_log (seq, {columns}, key_id) {overriding} SELECT seq + 1, {columns}, key_id FROM moved");
        }

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
        Assert.Contains("does not follow", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task An_untouched_chain_verifies_with_every_entry_sealed_by_the_audit_key(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
        for (var n = 0; n < 5; n++)
        {
            await log.RecordAsync(Event(n));
        }

        var verification = await log.VerifyAsync();
        var rows = (await log.SearchAsync(new AuditQuery { Take = 10 })).Rows;

        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(5, verification.RowsChecked);
        Assert.Equal(0, verification.UnsealedRows);
        Assert.False(verification.UnsealedTail);
        Assert.All(rows, r => Assert.Equal(Keys.CurrentId, r.KeyId));
        // The seal is an HMAC under the key, not the plain hash anyone can compute.
        Assert.All(rows, r => Assert.NotEqual(AuditHash.ComputeUnkeyed(r), r.Hash));
    }

    [Theory, BothDatabases]
    public async Task An_entry_appended_at_the_end_with_a_plain_hash_by_someone_without_the_key_is_detected(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
        for (var n = 0; n < 3; n++)
        {
            await log.RecordAsync(Event(n));
        }

        // A database writer appends a well-linked entry, hashed the way unsealed entries are (and left without a key id).
        var last = (await log.SearchAsync(new AuditQuery { Take = 1 })).Rows.Single();
        await AppendForgedAsync(connections, last, Event(99) with { Summary = "Unlocked terminal SN-0099 (never happened)" },
            (id, at, e) => (AuditHash.ComputeUnkeyed(last.Hash, id, at, e), null));

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
        Assert.Contains("not sealed", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task An_entry_appended_at_the_end_with_the_portals_key_id_but_another_key_is_detected(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
        for (var n = 0; n < 3; n++)
        {
            await log.RecordAsync(Event(n));
        }

        // The key id is in every row, so a forger copies it, but can only seal with a key of their own.
        var last = (await log.SearchAsync(new AuditQuery { Take = 1 })).Rows.Single();
        var forgersKey = AuditChainKeys.NewKey();
        await AppendForgedAsync(connections, last, Event(99) with { Summary = "Unlocked terminal SN-0099 (never happened)" },
            (id, at, e) => (AuditHash.ComputeKeyed(forgersKey, Keys.CurrentId, last.Hash, id, at, e), Keys.CurrentId));

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBrokenSeq);
        Assert.Contains("seal does not match", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task An_entry_appended_at_the_end_under_a_key_the_portal_does_not_hold_is_detected(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
        await log.RecordAsync(Event(0));

        var last = (await log.SearchAsync(new AuditQuery { Take = 1 })).Rows.Single();
        var forgersKey = AuditChainKeys.NewKey();
        var forgersId = AuditChainKeys.IdOf(forgersKey);
        await AppendForgedAsync(connections, last, Event(99), (id, at, e) => (AuditHash.ComputeKeyed(forgersKey, forgersId, last.Hash, id, at, e), forgersId));

        var verification = await log.VerifyAsync();
        Assert.False(verification.Intact);
        Assert.Equal(2, verification.FirstBrokenSeq);
        Assert.Contains("does not hold", verification.Problem);
    }

    [Theory, BothDatabases]
    public async Task Entries_from_before_the_key_are_verified_by_plain_hash_and_anchored_by_the_first_sealed_entry(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
        // Three entries as the portal wrote them before sealing existed: plain SHA-256, no key id.
        var previous = new AuditRecord { Category = "-", Action = "-", Summary = "-", PrevHash = "", Hash = AuditHash.Genesis };
        for (var n = 0; n < 3; n++)
        {
            previous = await AppendForgedAsync(connections, previous, Event(n), (id, at, e) => (AuditHash.ComputeUnkeyed(previous.Hash, id, at, e), null));
        }

        var beforeAnchor = await log.VerifyAsync();
        Assert.True(beforeAnchor.Intact, beforeAnchor.Problem);
        Assert.True(beforeAnchor.UnsealedTail);

        Assert.True(await log.AnchorUnsealedEntriesAsync());
        Assert.False(await log.AnchorUnsealedEntriesAsync()); // once is enough
        await log.RecordAsync(Event(3));
        var anchored = await log.VerifyAsync();
        Assert.True(anchored.Intact, anchored.Problem);
        Assert.Equal(5, anchored.RowsChecked);
        Assert.Equal(3, anchored.UnsealedRows);
        Assert.False(anchored.UnsealedTail);
        Assert.Contains((await log.SearchAsync(new AuditQuery { Take = 10 })).Rows, r => r.Action == "audit.chain-sealed" && r.Seq == 4);

        // Rewriting an old entry and recomputing every plain hash after it still breaks at the anchor, which needs the key.
        await using (var connection = await connections.OpenAsync())
        {
            var old = (await log.SearchAsync(new AuditQuery { Take = 10 })).Rows.Where(r => r.KeyId is null).OrderBy(r => r.Seq).ToList();
            var prev = AuditHash.Genesis;
            foreach (var row in old)
            {
                var summary = row.Seq == 2 ? "Nothing happened" : row.Summary;
                var hash = AuditHash.ComputeUnkeyed(prev, row.Id, row.OccurredAt, Event(0) with
                {
                    Summary = summary, Action = row.Action, Category = row.Category, ActorName = row.ActorName, TargetType = row.TargetType,
                    TargetId = row.TargetId, IpAddress = row.IpAddress,
                });
                await connection.ExecuteAsync("UPDATE audit_log SET summary = @summary, prev_hash = @prev, hash = @hash WHERE seq = @Seq",
                    new { summary, prev, hash, row.Seq });
                prev = hash;
            }
        }

        var rewritten = await log.VerifyAsync();
        Assert.False(rewritten.Intact);
        Assert.Equal(4, rewritten.FirstBrokenSeq);
        Assert.Contains("does not follow", rewritten.Problem);
    }

    [Theory, BothDatabases]
    public async Task A_portal_starting_on_a_log_of_unsealed_entries_anchors_them_with_a_sealed_entry(DatabaseProvider provider)
    {
        await using var first = await PortalHost.StartAsync(provider);
        var connections = first.GetService<IDbConnectionFactory>();
        // Entries as a portal from before sealing wrote them.
        var previous = new AuditRecord { Category = "-", Action = "-", Summary = "-", PrevHash = "", Hash = AuditHash.Genesis };
        for (var n = 0; n < 2; n++)
        {
            previous = await AppendForgedAsync(connections, previous, Event(n), (id, at, e) => (AuditHash.ComputeUnkeyed(previous.Hash, id, at, e), null));
        }

        await using var upgraded = PortalHost.StartAnotherInstance(first);

        var audit = upgraded.GetService<IAuditLog>();
        var verification = await audit.VerifyAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(3, verification.RowsChecked);
        Assert.Equal(2, verification.UnsealedRows);
        Assert.False(verification.UnsealedTail);
        var anchor = (await audit.SearchAsync(new AuditQuery { Take = 1 })).Rows.Single();
        Assert.Equal("audit.chain-sealed", anchor.Action);
        Assert.Equal(upgraded.GetService<AuditChainKeys>().CurrentId, anchor.KeyId);
    }

    [Theory, BothDatabases]
    public async Task After_a_key_rotation_entries_sealed_by_the_retired_key_verify_only_while_it_is_configured(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var oldKey = AuditChainKeys.NewKey();
        await new AuditLog(connections, TimeProvider.System, new AuditChainKeys(oldKey)).RecordAsync(Event(0));
        var newKey = AuditChainKeys.NewKey();
        var rotated = new AuditLog(connections, TimeProvider.System, new AuditChainKeys(newKey, [oldKey]));
        await rotated.RecordAsync(Event(1));

        var withRetired = await rotated.VerifyAsync();
        var withoutRetired = await new AuditLog(connections, TimeProvider.System, new AuditChainKeys(newKey)).VerifyAsync();

        Assert.True(withRetired.Intact, withRetired.Problem);
        Assert.Equal(2, withRetired.RowsChecked);
        Assert.False(withoutRetired.Intact);
        Assert.Equal(1, withoutRetired.FirstBrokenSeq);
        Assert.Contains(AuditChainKeys.IdOf(oldKey), withoutRetired.Problem);
    }

    /// <summary>Appends a row straight into the table, after <paramref name="previous"/>, as a database writer could.</summary>
    private static async Task<AuditRecord> AppendForgedAsync(IDbConnectionFactory connections, AuditRecord previous, AuditEvent e,
        Func<Guid, DateTimeOffset, AuditEvent, (string Hash, string? KeyId)> seal)
    {
        var id = Guid.NewGuid();
        var at = AuditHash.Normalise(DateTimeOffset.UtcNow);
        var (hash, keyId) = seal(id, at, e);
        await using var connection = await connections.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO audit_log (id, occurred_at, category, action, outcome, summary, actor_name, target_type, target_id, ip_address, prev_hash, hash, key_id)
            VALUES (@id, @at, @Category, @Action, 0, @Summary, @ActorName, @TargetType, @TargetId, @IpAddress, @prev, @hash, @keyId)
            """,
            new { id, at, e.Category, e.Action, e.Summary, e.ActorName, e.TargetType, e.TargetId, e.IpAddress, prev = previous.Hash, hash, keyId });
        return new AuditRecord { Id = id, OccurredAt = at, Category = e.Category, Action = e.Action, Summary = e.Summary, PrevHash = previous.Hash, Hash = hash, KeyId = keyId };
    }

    [Theory, BothDatabases]
    public async Task Search_is_scoped_to_the_given_merchants_filtered_and_paged(DatabaseProvider provider)
    {
        var (database, connections) = await TestDatabase.CreateMigratedAsync(provider);
        await using var _ = database;
        var log = new AuditLog(connections, TimeProvider.System, Keys);
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
