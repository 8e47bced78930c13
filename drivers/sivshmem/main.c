// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * sivshmem: secure inter-VM shared memory for the ivshmem PCI device.
 */

#include <linux/module.h>

#include "sivshmem.h"

static int __init sivshmem_mod_init(void)
{
	int err;

	err = sivshmem_control_wq_init();
	if (err)
		return err;
	err = sivshmem_identity_init();
	if (err)
		goto err_uninit_wq;
	err = sivshmem_chardev_init();
	if (err)
		goto err_uninit_identity;
	err = sivshmem_pci_init();
	if (err)
		goto err_uninit_chardev;
	return 0;

err_uninit_chardev:
	sivshmem_chardev_uninit();
err_uninit_identity:
	sivshmem_identity_uninit();
err_uninit_wq:
	sivshmem_control_wq_uninit();
	return err;
}

static void __exit sivshmem_mod_exit(void)
{
	sivshmem_pci_uninit();
	sivshmem_chardev_uninit();
	sivshmem_identity_uninit();
	sivshmem_control_wq_uninit();
}

module_init(sivshmem_mod_init);
module_exit(sivshmem_mod_exit);
MODULE_DESCRIPTION("Secure inter-VM shared memory for the ivshmem device");
MODULE_AUTHOR("The sivshmem authors");
MODULE_LICENSE("GPL");
/* keyctl can only add our PKCS#8 private key once this parser is there. */
MODULE_SOFTDEP("pre: pkcs8_key_parser");
