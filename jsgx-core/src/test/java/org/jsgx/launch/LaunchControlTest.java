package org.jsgx.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.interfaces.RSAPrivateCrtKey;
import org.jsgx.cpu.Attributes;
import org.jsgx.cpu.Crypto;
import org.jsgx.cpu.EinitToken;
import org.jsgx.cpu.Platform;
import org.jsgx.host.RsaKeys;
import org.jsgx.host.kselftest.TestEnclLoader;
import org.jsgx.kernel.Cred;
import org.jsgx.kernel.Errno;
import org.jsgx.kernel.Kernel;
import org.jsgx.kernel.LaunchMode;
import org.jsgx.kernel.Task;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The three launch modes end to end through the driver: sample enclaves launch in each, bad
 * tokens are refused with EINIT's status (and EPERM), LE policy, token lifecycle across a
 * platform reset, and the LE-hash MSR cache.
 */
class LaunchControlTest {
    static final RSAPrivateCrtKey LE_KEY = key(), APP_KEY = key(), OTHER_KEY = key();
    static final Attributes PROD = new Attributes(Attributes.MODE64BIT, 3);
    static final Attributes DEBUG = new Attributes(Attributes.MODE64BIT | Attributes.DEBUG, 3);
    static final long BASE = 0x7000_0000_0000L;

    static RSAPrivateCrtKey key() {
        return (RSAPrivateCrtKey) RsaKeys.generate().getPrivate();
    }

    /** A kernel in {@code mode} on a 4-CPU platform; the app task runs on CPU 0, LEs on 2 and 3. */
    static final class Rig {
        final Platform platform = Platform.builder().epcSize(8L << 20).cpus(4).build();
        final Kernel kernel;
        final Task task;
        final long scratch;
        final long src;

        Rig(LaunchMode mode) {
            kernel = Kernel.boot(platform, new Kernel.Config(true, 0, mode,
                    mode == LaunchMode.FLC ? null : RsaKeys.mrSigner(LE_KEY), 0));
            task = kernel.spawn(Cred.root(), 0);
            scratch = EnclaveIoctls.scratch(task);
            src = SmallEnclave.sourceMapping(task);
        }

        SmallEnclave small(SmallEnclave.Image image) {
            return SmallEnclave.create(task, scratch, src, BASE, image);
        }

        int init(SmallEnclave e) {
            return EnclaveIoctls.init(task, e.fd(), scratch, e.sigstruct());
        }

        int initWithToken(SmallEnclave e, byte[] token) {
            return EnclaveIoctls.initWithToken(task, e.fd(), scratch, e.sigstruct(), token);
        }

        void assertRefused(int ret, String status) {
            assertThat(ret).isEqualTo(-1);
            assertThat(task.errno()).isEqualTo(Errno.EPERM);
            assertThat(task.lastError()).contains(status);
        }
    }

    static final SmallEnclave.Image APP = SmallEnclave.Image.of(APP_KEY, PROD, 1);
    static final SmallEnclave.Image APP_DEBUG = SmallEnclave.Image.of(APP_KEY, DEBUG, 2);
    static final SmallEnclave.Image OTHER = SmallEnclave.Image.of(OTHER_KEY, PROD, 3);

    /** The kernel selftests' enclave, built and INITed by {@code init}; then entered once. */
    static void launchSample(Task task, java.util.function.ToIntBiFunction<TestEnclLoader.Encl, Long> init) {
        TestEnclLoader.Encl e = TestEnclLoader.load(task, 0x1000, 0);
        long scratch = TestEnclLoader.buildUninitialized(e);
        assertThat(init.applyAsInt(e, scratch)).as(task.lastError()).isZero();
    }

    @Nested
    class Flc {
        final Rig r = new Rig(LaunchMode.FLC);

        @Test
        void launchesTheSampleEnclavesWithAZeroToken() {
            launchSample(r.task, (e, s) -> EnclaveIoctls.init(r.task, e.fd, s, e.sigstruct));
            assertThat(r.init(r.small(APP))).isZero();
            assertThat(r.init(r.small(OTHER))).isZero();
        }

        @Test
        void userTokensAreAnUnknownIoctl() {
            SmallEnclave e = r.small(APP);
            assertThat(r.initWithToken(e, new byte[EinitToken.SIZE])).isEqualTo(-1);
            assertThat(r.task.errno()).isEqualTo(Errno.ENOTTY);
        }

        @Test
        void theMsrCacheSkipsWritesOfTheHashAlreadyLoaded() {
            assertThat(r.init(r.small(APP))).isZero();
            long writes = r.kernel.sgx().leHashMsrWrites();
            assertThat(r.init(r.small(SmallEnclave.Image.of(APP_KEY, PROD, 9)))).isZero();
            assertThat(r.kernel.sgx().leHashMsrWrites()).isEqualTo(writes); // same signer: all four skipped
            assertThat(r.init(r.small(OTHER))).isZero();
            assertThat(r.kernel.sgx().leHashMsrWrites()).isEqualTo(writes + 4);
            assertThat(r.task.cpu().leHashBytes()).isEqualTo(RsaKeys.mrSigner(OTHER_KEY));
        }

        @Test
        void theLaunchKeyAttributeIsNeverAllowed() {
            SmallEnclave e = r.small(SmallEnclave.Image.of(APP_KEY, PROD.withFlags(PROD.flags() | Attributes.EINITTOKENKEY), 4));
            assertThat(r.init(e)).isEqualTo(-1);
            assertThat(r.task.errno()).isEqualTo(Errno.EACCES);
        }
    }

    @Nested
    class KernelLe {
        final Rig r = new Rig(LaunchMode.KERNEL_LE);

        @Test
        void launchesTheSampleEnclavesWithTokensFromTheKernelsLe() {
            KernelLaunchEnclave le = KernelLaunchEnclave.start(r.kernel, 3, LE_KEY, LaunchPolicy.anySigner(true));
            launchSample(r.task, (e, s) -> EnclaveIoctls.init(r.task, e.fd, s, e.sigstruct));
            assertThat(r.init(r.small(APP))).isZero();
            assertThat(r.init(r.small(APP_DEBUG))).isZero();
            assertThat(le.enclave().mints()).isEqualTo(3);
            assertThat(r.kernel.sgx().launchControl().tokenRequests()).isEqualTo(3);
            // the MSRs hold the LE's signer throughout
            assertThat(r.task.cpu().leHashBytes()).isEqualTo(RsaKeys.mrSigner(LE_KEY));
        }

        @Test
        void theMsrsAreWrittenOncePerCpuAndThenOnlySkipped() {
            KernelLaunchEnclave.start(r.kernel, 3, LE_KEY, LaunchPolicy.anySigner(true));
            assertThat(r.init(r.small(APP))).isZero();
            long writes = r.kernel.sgx().leHashMsrWrites();
            assertThat(r.init(r.small(OTHER))).isZero();
            assertThat(r.init(r.small(APP_DEBUG))).isZero();
            assertThat(r.kernel.sgx().leHashMsrWrites()).isEqualTo(writes);
            assertThat(r.kernel.sgx().leHashMsrWritesSkipped()).isGreaterThanOrEqualTo(8);
        }

        @Test
        void theLesPolicyRefusalIsEperm() {
            KernelLaunchEnclave.start(r.kernel, 3, LE_KEY, LaunchPolicy.signers(false, RsaKeys.mrSigner(APP_KEY)));
            r.assertRefused(r.init(r.small(OTHER)), "SIGNER_NOT_ADMITTED");
            r.assertRefused(r.init(r.small(APP_DEBUG)), "DEBUG_NOT_ALLOWED");
            assertThat(r.init(r.small(APP))).isZero();
        }

        @Test
        void withoutAnLeOnlyTheLesSignerLaunches() {
            r.assertRefused(r.init(r.small(APP)), "no launch enclave");
        }
    }

    @Nested
    class UserTokens {
        final Rig r = new Rig(LaunchMode.USER_TOKEN);
        final UserLauncher launcher = UserLauncher.start(r.kernel, new int[] {2, 3}, LE_KEY,
                LaunchPolicy.anySigner(true), false);

        @Test
        void launchesTheSampleEnclavesWithTokensFromUserSpace() {
            launchSample(r.task, (e, s) -> launcher.init(r.task, e.fd, s, e.sigstruct, TestEnclLoader.ATTRIBUTES));
            SmallEnclave app = r.small(APP);
            assertThat(launcher.init(r.task, app.fd(), r.scratch, app.sigstruct(), PROD)).isZero();
            SmallEnclave dbg = r.small(APP_DEBUG);
            assertThat(launcher.init(r.task, dbg.fd(), r.scratch, dbg.sigstruct(), DEBUG)).isZero();
        }

        @Test
        void withoutATokenOnlyTheLesSignerLaunches() {
            r.assertRefused(r.init(r.small(APP)), "SGX_INVALID_EINITTOKEN");
        }

        @Test
        void aTokenForAnotherEnclaveIsInvalidMeasurement() {
            byte[] t = launcher.mint(APP.sigstruct(), PROD);
            r.assertRefused(r.initWithToken(r.small(SmallEnclave.Image.of(APP_KEY, PROD, 7)), t),
                    "SGX_INVALID_MEASUREMENT");
        }

        @Test
        void aTamperedTokenIsInvalidEinittoken() {
            byte[] t = launcher.mint(APP.sigstruct(), PROD);
            t[EinitToken.MRENCLAVE] ^= 1;
            r.assertRefused(r.initWithToken(r.small(APP), t), "SGX_INVALID_EINITTOKEN");
        }

        @Test
        void aTokenMacedWithTheWrongKeyIsInvalidEinittoken() {
            EinitToken t = EinitToken.of(launcher.mint(APP.sigstruct(), PROD));
            t.bytes(EinitToken.MAC, Crypto.cmac(new byte[16], t.macedBytes()));
            r.assertRefused(r.initWithToken(r.small(APP), t.toByteArray()), "SGX_INVALID_EINITTOKEN");
        }

        @Test
        void aDebugLesTokenCannotLaunchAProductionEnclave() {
            UserLauncher debugLe = UserLauncher.start(r.kernel, new int[] {1}, LE_KEY, LaunchPolicy.anySigner(true),
                    true);
            byte[] t = debugLe.mint(APP.sigstruct(), PROD);
            assertThat(EinitToken.of(t).maskedAttributesLe().has(Attributes.DEBUG)).isTrue();
            r.assertRefused(r.initWithToken(r.small(APP), t), "SGX_INVALID_EINITTOKEN");
            // the same LE's token is good for a debug enclave
            SmallEnclave dbg = r.small(APP_DEBUG);
            assertThat(r.initWithToken(dbg, debugLe.mint(APP_DEBUG.sigstruct(), DEBUG))).isZero();
        }

        @Test
        void onlyTheLesSignerMayHaveTheLaunchKey() {
            SmallEnclave e = r.small(SmallEnclave.Image.of(APP_KEY, PROD.withFlags(PROD.flags() | Attributes.EINITTOKENKEY), 5));
            r.assertRefused(r.init(e), "SGX_INVALID_ATTRIBUTE");
            assertThatThrownBy(() -> launcher.mint(e.sigstruct(), e.attributes()))
                    .isInstanceOf(LaunchRefusedException.class).hasMessageContaining("LAUNCH_KEY_REQUESTED");
        }

        @Test
        void aPolicyRefusalNamesItsReason() {
            UserLauncher strict = UserLauncher.start(r.kernel, new int[] {1}, LE_KEY,
                    LaunchPolicy.signers(false, RsaKeys.mrSigner(APP_KEY)), false);
            assertThatThrownBy(() -> strict.mint(OTHER.sigstruct(), PROD)).isInstanceOf(LaunchRefusedException.class)
                    .extracting(e -> ((LaunchRefusedException) e).reason()).isEqualTo(LaunchRefusal.SIGNER_NOT_ADMITTED);
            assertThatThrownBy(() -> strict.mint(APP_DEBUG.sigstruct(), DEBUG))
                    .extracting(e -> ((LaunchRefusedException) e).reason()).isEqualTo(LaunchRefusal.DEBUG_NOT_ALLOWED);
        }

        @Test
        void cachedTokensExpireOnAPlatformResetAndAreRefreshed() {
            SmallEnclave first = r.small(APP);
            assertThat(launcher.init(r.task, first.fd(), r.scratch, APP.sigstruct(), PROD)).isZero();
            SmallEnclave second = r.small(APP);
            assertThat(launcher.init(r.task, second.fd(), r.scratch, APP.sigstruct(), PROD)).isZero();
            assertThat(launcher.cache().hits()).isEqualTo(1);
            byte[] stale = launcher.cache().get(APP.sigstruct(), PROD, () -> null).token();

            r.platform.resetLaunchState(java.util.Arrays.copyOf(Crypto.sha256(new byte[] {42}), 16)); // new owner epoch
            long writes = r.kernel.sgx().leHashMsrWrites();
            // the old token no longer verifies: its key was derived under the old owner epoch
            r.assertRefused(r.initWithToken(r.small(APP), stale), "SGX_INVALID_EINITTOKEN");
            // the MSRs were reset too: the kernel's stale cache was overruled by a forced rewrite
            assertThat(r.kernel.sgx().leHashMsrWrites()).isEqualTo(writes + 4);
            assertThat(r.task.cpu().leHashBytes()).isEqualTo(RsaKeys.mrSigner(LE_KEY));

            SmallEnclave third = r.small(APP);
            assertThat(launcher.init(r.task, third.fd(), r.scratch, APP.sigstruct(), PROD)).as(r.task.lastError())
                    .isZero();
            assertThat(launcher.refreshes()).isEqualTo(1);
            assertThat(launcher.cache().invalidations()).isEqualTo(1);
        }
    }
}
