using System.Data.Common;
using AdminPortal.Features.Audit;
using AdminPortal.Features.Compliance.Catalogue;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Infrastructure.Database;
using Dapper;

namespace AdminPortal.Features.Compliance.Assessments;

/// <summary>
/// SAQ assessments and their answers. Every call takes the caller's <see cref="AccessScope"/>: reads see only the
/// scope's merchants (a foreign id reads as not found); writes need the ComplianceOfficer role in the merchant, except
/// the review, which an owner may also give. Every write is audited in the same transaction.
/// </summary>
public sealed class AssessmentStore(IDbConnectionFactory db, IAuditLog audit, TimeProvider clock, SaqCatalogue catalogue)
{
    private const string AssessmentColumns =
        "merchant_id AS MerchantId, id AS Id, saq_type AS SaqType, period_start AS PeriodStart, period_end AS PeriodEnd, status AS Status, " +
        "based_on_id AS BasedOnId, created_by_id AS CreatedById, created_by_name AS CreatedByName, created_at AS CreatedAt, updated_at AS UpdatedAt, " +
        "submitted_by_name AS SubmittedByName, submitted_at AS SubmittedAt, reviewed_by_id AS ReviewedById, reviewed_by_name AS ReviewedByName, " +
        "reviewed_at AS ReviewedAt, review_note AS ReviewNote, attested_by_id AS AttestedById, attester_name AS AttesterName, " +
        "attester_title AS AttesterTitle, attestation_date AS AttestationDate, attested_at AS AttestedAt";

    private const string AnswerColumns =
        "merchant_id AS MerchantId, assessment_id AS AssessmentId, requirement AS Requirement, response AS Response, explanation AS Explanation, " +
        "evidence_notes AS EvidenceNotes, na_justification AS NaJustification, ccw AS Ccw, answered_by_id AS AnsweredById, " +
        "answered_by_name AS AnsweredByName, answered_at AS AnsweredAt, evidence_source AS EvidenceSource";

    static AssessmentStore() => DapperTypeHandlers.AddJson<CompensatingControlWorksheet>();

    public async Task<IReadOnlyList<SaqAssessment>> ListAsync(AccessScope scope, Guid? merchantId = null, CancellationToken ct = default)
    {
        var where = new List<string>();
        var parameters = new DynamicParameters();
        if (scope.MerchantIds is { } visible)
        {
            if (visible.Count == 0)
            {
                return [];
            }

            where.Add(db.Dialect.AnyOf("merchant_id", "visible"));
            parameters.Add("visible", visible.ToArray());
        }

        if (merchantId is { } only)
        {
            where.Add("merchant_id = @only");
            parameters.Add("only", only);
        }

        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SaqAssessment>(new CommandDefinition(
            $"SELECT {AssessmentColumns} FROM saq_assessments {filter} ORDER BY period_end DESC, created_at DESC", parameters, cancellationToken: ct));
        return rows.AsList();
    }

    public async Task<SaqAssessment?> FindAsync(AccessScope scope, Guid id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await LoadAsync(connection, null, id, ct);
        return row is not null && scope.CanSee(row.MerchantId) ? row : null;
    }

    public async Task<IReadOnlyList<SaqAnswer>> AnswersAsync(AccessScope scope, Guid id, CancellationToken ct = default)
    {
        var assessment = await FindAsync(scope, id, ct) ?? throw new AssessmentNotFoundException();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<SaqAnswer>(new CommandDefinition(
            $"SELECT {AnswerColumns} FROM saq_answers WHERE merchant_id = @merchantId AND assessment_id = @id",
            new { merchantId = assessment.MerchantId, id }, cancellationToken: ct));
        var order = catalogue.Get(assessment.SaqType).RequirementNumbers.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        return rows.OrderBy(a => order.GetValueOrDefault(a.Requirement, int.MaxValue)).ToList();
    }

    /// <summary>
    /// Starts the merchant's assessment for a period. Answers of the merchant's latest attested assessment are carried
    /// over where the requirement is still asked, so last year's work is the starting point.
    /// </summary>
    public async Task<SaqAssessment> StartAsync(AccessScope scope, ComplianceActor actor, Guid merchantId, string saqType,
        DateOnly periodStart, DateOnly periodEnd, CancellationToken ct = default)
    {
        RequireOfficer(scope, merchantId);
        var saq = catalogue.Find(saqType) ?? throw new ComplianceRuleException($"Unknown SAQ type \"{saqType}\".");
        if (periodEnd <= periodStart)
        {
            throw new ComplianceRuleException("The assessment period must end after it starts.");
        }

        var now = clock.GetUtcNow();
        var id = Guid.NewGuid();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var open = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM saq_assessments WHERE merchant_id = @merchantId AND status <> @attested",
            new { merchantId, attested = (int)AssessmentStatus.Attested }, tx, cancellationToken: ct));
        if (open > 0)
        {
            throw new ComplianceRuleException("This merchant already has an assessment in progress: finish and attest it before starting the next one.");
        }

        var previous = await connection.QuerySingleOrDefaultAsync<SaqAssessment>(new CommandDefinition(
            $"SELECT {AssessmentColumns} FROM saq_assessments WHERE merchant_id = @merchantId AND status = @attested ORDER BY period_end DESC, attested_at DESC LIMIT 1",
            new { merchantId, attested = (int)AssessmentStatus.Attested }, tx, cancellationToken: ct));

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO saq_assessments (merchant_id, id, saq_type, period_start, period_end, status, based_on_id, created_by_id, created_by_name, created_at, updated_at)
            VALUES (@merchantId, @id, @saqType, @periodStart, @periodEnd, @status, @basedOn, @actorId, @actorName, @now, @now)
            """,
            new
            {
                merchantId, id, saqType = saq.Code, periodStart = AtMidnight(periodStart), periodEnd = AtMidnight(periodEnd),
                status = (int)AssessmentStatus.Draft, basedOn = previous?.Id, actorId = actor.PersonId, actorName = actor.Name, now,
            },
            tx, cancellationToken: ct));

        var carried = 0;
        if (previous is not null)
        {
            // Carry answers the new SAQ still asks and still allows; the officer re-confirms them before review.
            var asked = saq.RequirementNumbers.ToHashSet();
            var answers = await connection.QueryAsync<SaqAnswer>(new CommandDefinition(
                $"SELECT {AnswerColumns} FROM saq_answers WHERE merchant_id = @merchantId AND assessment_id = @previousId",
                new { merchantId, previousId = previous.Id }, tx, cancellationToken: ct));
            foreach (var answer in answers.Where(a => asked.Contains(a.Requirement) && saq.Allows(a.Response)))
            {
                await InsertAnswerAsync(connection, tx, merchantId, id, answer, ct);
                carried++;
            }
        }

        await audit.RecordAsync(new AuditEvent
        {
            Category = "compliance",
            Action = "saq.started",
            Summary = $"Started {saq.Name} for {periodStart:yyyy-MM-dd} to {periodEnd:yyyy-MM-dd}" +
                      (previous is null ? "." : $", carrying over {carried} answers from the attested assessment of {previous.PeriodText}."),
            ActorId = actor.PersonId,
            ActorName = actor.Name,
            MerchantId = merchantId,
            TargetType = "saq-assessment",
            TargetId = id.ToString(),
        }, connection, tx, ct);
        await tx.CommitAsync(ct);
        return (await FindAsync(scope, id, ct))!;
    }

    public async Task SaveAnswerAsync(AccessScope scope, ComplianceActor actor, Guid id, AnswerInput input, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var assessment = await LoadForWriteAsync(connection, tx, scope, id, ct);
        RequireOfficer(scope, assessment.MerchantId);
        RequireStatus(assessment, AssessmentStatus.Draft, "Answers can only change while the assessment is a draft. Send it back from review first.");
        var saq = catalogue.Get(assessment.SaqType);
        var problems = AnswerRules.Validate(saq, input);
        if (problems.Count > 0)
        {
            throw new ComplianceRuleException(string.Join(" ", problems));
        }

        var response = input.Response!.Value;
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM saq_answers WHERE merchant_id = @merchantId AND assessment_id = @id AND requirement = @requirement",
            new { merchantId = assessment.MerchantId, id, requirement = input.Requirement }, tx, cancellationToken: ct));
        await InsertAnswerAsync(connection, tx, assessment.MerchantId, id, new SaqAnswer
        {
            Requirement = input.Requirement,
            Response = response,
            Explanation = input.Explanation!.Trim(),
            EvidenceNotes = input.EvidenceNotes?.Trim() ?? "",
            NaJustification = response is SaqResponse.NotApplicable or SaqResponse.NotTested ? input.NaJustification?.Trim() : null,
            Ccw = response == SaqResponse.InPlaceWithCcw ? input.Ccw : null,
            AnsweredById = actor.PersonId,
            AnsweredByName = actor.Name,
            AnsweredAt = clock.GetUtcNow(),
            EvidenceSource = input.EvidenceSource,
        }, ct);
        await TouchAsync(connection, tx, assessment, ct);
        await audit.RecordAsync(Event(actor, assessment, "saq.answered",
            $"Answered {input.Requirement} as {response.Label()}" + (input.EvidenceSource is null ? "." : $", accepting evidence from {input.EvidenceSource}.")), connection, tx, ct);
        await tx.CommitAsync(ct);
    }

    public async Task SubmitForReviewAsync(AccessScope scope, ComplianceActor actor, Guid id, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var assessment = await LoadForWriteAsync(connection, tx, scope, id, ct);
        RequireOfficer(scope, assessment.MerchantId);
        RequireStatus(assessment, AssessmentStatus.Draft, "Only a draft can be sent for review.");
        var saq = catalogue.Get(assessment.SaqType);
        var answered = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT requirement FROM saq_answers WHERE merchant_id = @merchantId AND assessment_id = @id",
            new { merchantId = assessment.MerchantId, id }, tx, cancellationToken: ct))).ToHashSet();
        var missing = saq.RequirementNumbers.Where(n => !answered.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ComplianceRuleException(
                $"{missing.Count} requirement(s) still need an answer before review, starting with {string.Join(", ", missing.Take(5))}.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE saq_assessments SET status = @status, submitted_by_name = @name, submitted_at = @now, updated_at = @now, review_note = NULL WHERE merchant_id = @merchantId AND id = @id",
            new { status = (int)AssessmentStatus.InReview, name = actor.Name, now = clock.GetUtcNow(), merchantId = assessment.MerchantId, id }, tx, cancellationToken: ct));
        await audit.RecordAsync(Event(actor, assessment, "saq.submitted", $"Sent {saq.Name} ({assessment.PeriodText}) for review."), connection, tx, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// A second person approves the answers, or sends them back with a note. Whoever answered any requirement of this
    /// assessment may not review it: the four-eyes rule is enforced here, on the server, not only in the page.
    /// </summary>
    public async Task ReviewAsync(AccessScope scope, ComplianceActor actor, Guid id, bool approve, string? note, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var assessment = await LoadForWriteAsync(connection, tx, scope, id, ct);
        if (!scope.Has(assessment.MerchantId, MerchantRole.ComplianceOfficer, MerchantRole.Owner))
        {
            throw new ComplianceRuleException("Only the merchant's compliance officer or owner can review its SAQ.");
        }

        RequireStatus(assessment, AssessmentStatus.InReview, "Only an assessment sent for review can be reviewed.");
        if (actor.PersonId is null)
        {
            throw new ComplianceRuleException("A review needs a signed-in person.");
        }

        var answeredByReviewer = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM saq_answers WHERE merchant_id = @merchantId AND assessment_id = @id AND answered_by_id = @person",
            new { merchantId = assessment.MerchantId, id, person = actor.PersonId }, tx, cancellationToken: ct));
        if (answeredByReviewer > 0)
        {
            throw new ComplianceRuleException(
                $"You answered {answeredByReviewer} requirement(s) of this assessment, so a second person must review it.");
        }

        if (!approve && string.IsNullOrWhiteSpace(note))
        {
            throw new ComplianceRuleException("Say what needs to change when sending the assessment back.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE saq_assessments SET status = @status, reviewed_by_id = @reviewer, reviewed_by_name = @name, reviewed_at = @now,
                   review_note = @note, updated_at = @now
            WHERE merchant_id = @merchantId AND id = @id
            """,
            new
            {
                status = (int)(approve ? AssessmentStatus.Reviewed : AssessmentStatus.Draft),
                reviewer = approve ? actor.PersonId : null, name = approve ? actor.Name : null,
                now = clock.GetUtcNow(), note = note?.Trim(), merchantId = assessment.MerchantId, id,
            }, tx, cancellationToken: ct));
        await audit.RecordAsync(Event(actor, assessment, approve ? "saq.review.approved" : "saq.review.returned",
            approve ? $"Reviewed and approved the SAQ of {assessment.PeriodText}." : $"Sent the SAQ of {assessment.PeriodText} back: {note!.Trim()}"),
            connection, tx, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Part 3 of the AOC. Callers must have checked a fresh step-up first (see <see cref="ComplianceStepUp"/>).
    /// After this the assessment is frozen.
    /// </summary>
    public async Task AttestAsync(AccessScope scope, ComplianceActor actor, Guid id, Attestation attestation, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var assessment = await LoadForWriteAsync(connection, tx, scope, id, ct);
        RequireOfficer(scope, assessment.MerchantId);
        RequireStatus(assessment, AssessmentStatus.Reviewed, "Only a reviewed assessment can be attested.");
        if (string.IsNullOrWhiteSpace(attestation.Name) || string.IsNullOrWhiteSpace(attestation.Title))
        {
            throw new ComplianceRuleException("The attestation needs the signatory's name and title.");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (attestation.Date > today)
        {
            throw new ComplianceRuleException("The attestation date cannot be in the future.");
        }

        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE saq_assessments SET status = @status, attested_by_id = @person, attester_name = @name, attester_title = @title,
                   attestation_date = @date, attested_at = @now, updated_at = @now
            WHERE merchant_id = @merchantId AND id = @id
            """,
            new
            {
                status = (int)AssessmentStatus.Attested, person = actor.PersonId, name = attestation.Name.Trim(), title = attestation.Title.Trim(),
                date = AtMidnight(attestation.Date), now, merchantId = assessment.MerchantId, id,
            }, tx, cancellationToken: ct));
        await audit.RecordAsync(Event(actor, assessment, "saq.attested",
            $"Attested the SAQ of {assessment.PeriodText} as {attestation.Name.Trim()}, {attestation.Title.Trim()}."), connection, tx, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Records that the assessment was exported (the PDF itself is not stored).</summary>
    public async Task RecordExportAsync(AccessScope scope, ComplianceActor actor, SaqAssessment assessment, string channel, CancellationToken ct = default)
    {
        if (!scope.CanSee(assessment.MerchantId))
        {
            throw new AssessmentNotFoundException();
        }

        await audit.RecordAsync(Event(actor, assessment, "saq.exported", $"Exported the SAQ of {assessment.PeriodText} as PDF ({channel})."), ct);
    }

    internal async Task<SaqAssessment> LoadForWriteAsync(DbConnection connection, DbTransaction tx, AccessScope scope, Guid id, CancellationToken ct)
    {
        // PostgreSQL: lock the row so concurrent steps (an answer saved while another person submits) run one after
        // the other and each sees the status the other left. SQLite serialises writers on its own.
        var row = await connection.QuerySingleOrDefaultAsync<SaqAssessment>(new CommandDefinition(
            $"SELECT {AssessmentColumns} FROM saq_assessments WHERE id = @id{(db.Dialect.IsPostgres ? " FOR UPDATE" : "")}", new { id }, tx, cancellationToken: ct));
        if (row is null || !scope.CanSee(row.MerchantId))
        {
            throw new AssessmentNotFoundException();
        }

        return row;
    }

    internal static void RequireStatus(SaqAssessment assessment, AssessmentStatus status, string message)
    {
        if (assessment.IsFrozen)
        {
            throw new ComplianceRuleException("This assessment is attested and frozen: start the next period's assessment to make changes.");
        }

        if (assessment.Status != status)
        {
            throw new ComplianceRuleException(message);
        }
    }

    internal static void RequireOfficer(AccessScope scope, Guid merchantId)
    {
        if (!scope.CanSee(merchantId))
        {
            throw new AssessmentNotFoundException();
        }

        if (!scope.Has(merchantId, MerchantRole.ComplianceOfficer))
        {
            throw new ComplianceRuleException("Only the merchant's compliance officer can change its SAQ.");
        }
    }

    internal static DateTimeOffset AtMidnight(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static AuditEvent Event(ComplianceActor actor, SaqAssessment assessment, string action, string summary) => new()
    {
        Category = "compliance",
        Action = action,
        Summary = summary,
        ActorId = actor.PersonId,
        ActorName = actor.Name,
        MerchantId = assessment.MerchantId,
        TargetType = "saq-assessment",
        TargetId = assessment.Id.ToString(),
    };

    private static async Task<SaqAssessment?> LoadAsync(DbConnection connection, DbTransaction? tx, Guid id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<SaqAssessment>(new CommandDefinition(
            $"SELECT {AssessmentColumns} FROM saq_assessments WHERE id = @id", new { id }, tx, cancellationToken: ct));

    private async Task TouchAsync(DbConnection connection, DbTransaction tx, SaqAssessment assessment, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE saq_assessments SET updated_at = @now WHERE merchant_id = @merchantId AND id = @id",
            new { now = clock.GetUtcNow(), merchantId = assessment.MerchantId, id = assessment.Id }, tx, cancellationToken: ct));

    private static Task InsertAnswerAsync(DbConnection connection, DbTransaction tx, Guid merchantId, Guid assessmentId, SaqAnswer answer, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO saq_answers (merchant_id, assessment_id, requirement, response, explanation, evidence_notes, na_justification, ccw,
                                     answered_by_id, answered_by_name, answered_at, evidence_source)
            VALUES (@merchantId, @assessmentId, @Requirement, @response, @Explanation, @EvidenceNotes, @NaJustification, @Ccw,
                    @AnsweredById, @AnsweredByName, @AnsweredAt, @EvidenceSource)
            """,
            new
            {
                merchantId, assessmentId, answer.Requirement, response = (int)answer.Response, answer.Explanation, answer.EvidenceNotes,
                answer.NaJustification, answer.Ccw, answer.AnsweredById, answer.AnsweredByName, answer.AnsweredAt, answer.EvidenceSource,
            }, tx, cancellationToken: ct));
}
