package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.*;

import eu.mhealthhub.agora.attachment.Attachments;
import eu.mhealthhub.agora.auth.SignInProvider;
import eu.mhealthhub.agora.auth.SignInSessions;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.thread.ReadTracker;
import eu.mhealthhub.agora.db.Database;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.I18n;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the web layer is built from; one instance per process, shared by every HTTP verticle.
 *
 * @param draining set when shutdown begins, so readiness fails before the server stops accepting
 * @param uploadDirectory this instance's private directory (0700) for uploads in flight, see {@code web/UploadDirectory}
 */
public record Services(
    AppConfig config,
    Database database,
    SignInProvider provider,
    I18n i18n,
    Clock clock,
    MemberService members,
    GroupService groups,
    ThreadService threads,
    eu.mhealthhub.agora.document.DocumentService documents,
    TalkService talks,
    Attachments attachments,
    ChangeFeed changes,
    eu.mhealthhub.agora.live.LiveAudience audience,
    eu.mhealthhub.agora.live.Presence presence,
    ReadTracker reads,
    SignInSessions signIns,
    String assetVersion,
    AtomicBoolean draining,
    java.nio.file.Path uploadDirectory,
    eu.mhealthhub.agora.notify.NotificationService notifications,
    eu.mhealthhub.agora.notify.NotificationMail notificationMail,
    eu.mhealthhub.agora.mail.Mail mail,
    eu.mhealthhub.agora.moderation.SuspendedMembers suspended,
    eu.mhealthhub.agora.moderation.SuspensionService suspensions,
    eu.mhealthhub.agora.privacy.ExportService exports,
    eu.mhealthhub.agora.ops.Metrics metrics,
    eu.mhealthhub.agora.web.Assets assets) {}
