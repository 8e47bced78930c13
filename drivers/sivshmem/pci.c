// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The sivshmem authors.
 *
 * PCI glue for the ivshmem device (1af4:1110, revision 1): probe and
 * remove, the BARs, MSI-X doorbells and the per-device sysfs attributes.
 */

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "sivshmem.h"

#define PCI_VENDOR_ID_IVSHMEM		0x1af4
#define PCI_DEVICE_ID_IVSHMEM		0x1110
#define IVSHMEM_REVISION		1

/* BAR0 registers (docs/specs/ivshmem-spec.rst in QEMU). */
#define IVSHMEM_REG_BAR			0
#define IVSHMEM_SHM_BAR			2
#define IVSHMEM_REG_IVPOSITION		0x08
#define IVSHMEM_REG_DOORBELL		0x0c
#define IVSHMEM_REG_SIZE		0x100
#define IVSHMEM_DOORBELL_PEER_SHIFT	16
/* QEMU decodes only the low 8 bits of the vector field. */
#define IVSHMEM_DOORBELL_VECTOR_MASK	0xff

/**
 * sivshmem_pci_ring() - ring a peer's doorbell
 * @region: the region
 * @peer_id: the target's peer ID
 * @vector: the target's vector
 */
void sivshmem_pci_ring(struct sivshmem_region *region, u32 peer_id, u32 vector)
{
	if (!region->doorbell)
		return;
	writel((peer_id << IVSHMEM_DOORBELL_PEER_SHIFT) |
	       (vector & IVSHMEM_DOORBELL_VECTOR_MASK),
	       region->regs + IVSHMEM_REG_DOORBELL);
}

static irqreturn_t sivshmem_control_irq(int irq, void *data)
{
	struct sivshmem_region *region = data;

	/* Copying and decoding slots is too slow for hard irq context. */
	queue_work(sivshmem_wq, &region->rx_work);
	return IRQ_HANDLED;
}

/* A peer moved a channel's ring or notify counter: wake channel I/O. */
static irqreturn_t sivshmem_channel_irq(int irq, void *data)
{
	struct sivshmem_region *region = data;

	wake_up_interruptible_all(&region->data_wq);
	return IRQ_HANDLED;
}

static int setup_doorbell(struct sivshmem_region *region)
{
	struct pci_dev *pdev = region->pdev;
	int nvec, err;

	/* QEMU drops MSI writes from a device that is not a bus master. */
	pci_set_master(pdev);
	nvec = pci_alloc_irq_vectors(pdev, 1, SIVSHMEM_MAX_VECTORS,
				     PCI_IRQ_MSIX);
	if (nvec < 0) {
		dev_err(&pdev->dev, "cannot allocate MSI-X vectors: %d\n", nvec);
		return nvec;
	}
	region->nvectors = nvec;

	err = request_irq(pci_irq_vector(pdev, SIVSHMEM_VECTOR_CONTROL),
			  sivshmem_control_irq, 0, region->irq_name, region);
	if (err) {
		dev_err(&pdev->dev, "cannot request the control vector: %d\n",
			err);
		pci_free_irq_vectors(pdev);
		return err;
	}
	/* Without a second vector the region carries no channels. */
	if (nvec <= SIVSHMEM_VECTOR_CHANNEL)
		return 0;
	err = request_irq(pci_irq_vector(pdev, SIVSHMEM_VECTOR_CHANNEL),
			  sivshmem_channel_irq, 0, region->irq_name, region);
	if (err) {
		dev_err(&pdev->dev, "cannot request the channel vector: %d\n",
			err);
		free_irq(pci_irq_vector(pdev, SIVSHMEM_VECTOR_CONTROL), region);
		pci_free_irq_vectors(pdev);
		return err;
	}
	return 0;
}

static void teardown_doorbell(struct sivshmem_region *region)
{
	if (region->nvectors > SIVSHMEM_VECTOR_CHANNEL)
		free_irq(pci_irq_vector(region->pdev, SIVSHMEM_VECTOR_CHANNEL),
			 region);
	free_irq(pci_irq_vector(region->pdev, SIVSHMEM_VECTOR_CONTROL), region);
	pci_free_irq_vectors(region->pdev);
	pci_clear_master(region->pdev);
}

static int map_bars(struct sivshmem_region *region)
{
	struct pci_dev *pdev = region->pdev;
	int err;

	if (pci_resource_len(pdev, IVSHMEM_REG_BAR) < IVSHMEM_REG_SIZE ||
	    !(pci_resource_flags(pdev, IVSHMEM_REG_BAR) & IORESOURCE_MEM) ||
	    !(pci_resource_flags(pdev, IVSHMEM_SHM_BAR) & IORESOURCE_MEM)) {
		dev_err(&pdev->dev, "unexpected BAR layout\n");
		return -ENODEV;
	}

	/*
	 * Exclusive: while we are bound, neither sysfs resourceN nor /dev/mem
	 * can map the registers or the region, not even for root.
	 */
	err = pci_request_regions_exclusive(pdev, SIVSHMEM_DRV_NAME);
	if (err) {
		dev_err(&pdev->dev, "cannot claim the BARs: %d\n", err);
		return err;
	}

	region->regs = pcim_iomap(pdev, IVSHMEM_REG_BAR, IVSHMEM_REG_SIZE);
	region->shm_size = pci_resource_len(pdev, IVSHMEM_SHM_BAR);
	region->shm_phys = pci_resource_start(pdev, IVSHMEM_SHM_BAR);
	region->shm = pcim_iomap(pdev, IVSHMEM_SHM_BAR, 0);
	if (!region->regs || !region->shm) {
		dev_err(&pdev->dev, "cannot map the BARs\n");
		return -ENOMEM;
	}
	return 0;
}

static int sivshmem_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sivshmem_region *region;
	int err;

	if (pdev->revision != IVSHMEM_REVISION) {
		dev_info(&pdev->dev, "ivshmem revision %u is not supported\n",
			 pdev->revision);
		return -ENODEV;
	}

	region = kzalloc(sizeof(*region), GFP_KERNEL);
	if (!region)
		return -ENOMEM;
	kref_init(&region->kref);
	INIT_LIST_HEAD(&region->node);
	region->index = -1;
	region->pdev = pci_dev_get(pdev);
	mutex_init(&region->ping_lock);
	mutex_init(&region->tx_lock);
	spin_lock_init(&region->state_lock);
	init_waitqueue_head(&region->ping_wq);
	sivshmem_channels_init(region);

	err = pcim_enable_device(pdev);
	if (err)
		goto err_put_region;
	err = map_bars(region);
	if (err)
		goto err_put_region;
	err = sivshmem_control_init(region);
	if (err)
		goto err_put_region;
	err = sivshmem_region_add(region);
	if (err)
		goto err_uninit_control;

	region->irq_name = devm_kasprintf(&pdev->dev, GFP_KERNEL, "%s%d",
					  SIVSHMEM_DRV_NAME, region->index);
	if (!region->irq_name) {
		err = -ENOMEM;
		goto err_del_region;
	}

	region->doorbell = pdev->msix_cap != 0;
	region->peer_id = readl(region->regs + IVSHMEM_REG_IVPOSITION);
	if (region->doorbell) {
		err = setup_doorbell(region);
		if (err)
			goto err_del_region;
	}

	pci_set_drvdata(pdev, region);
	dev_info(&pdev->dev,
		 "region %d: %llu MiB, %s, peer ID %u, %d vectors\n",
		 region->index, region->shm_size >> 20,
		 region->doorbell ? "doorbell" : "plain (no interrupts)",
		 region->peer_id, region->nvectors);
	sivshmem_control_start(region);
	return 0;

err_del_region:
	sivshmem_region_del(region);
err_uninit_control:
	sivshmem_channels_stop(region);
	sivshmem_control_stop(region);
	sivshmem_control_uninit(region);
	sivshmem_channels_uninit(region);
err_put_region:
	sivshmem_region_put(region);
	return err;
}

static void sivshmem_remove(struct pci_dev *pdev)
{
	struct sivshmem_region *region = pci_get_drvdata(pdev);

	/*
	 * a) No new ioctl can find the region once it is off the list.
	 * b) Stopping the control plane says goodbye to the daemon, fails
	 *    every later send and wakes a pinging task.
	 * c) With the interrupt gone nothing queues the receive work again,
	 *    so cancelling the works leaves nobody touching the BARs, which
	 *    devres unmaps after we return.
	 * d) An ioctl still holding a reference only sees the dead state.
	 */
	sivshmem_region_del(region);
	sivshmem_channels_stop(region);
	sivshmem_control_stop(region);
	if (region->doorbell)
		teardown_doorbell(region);
	sivshmem_control_uninit(region);
	sivshmem_channels_uninit(region);
	pci_set_drvdata(pdev, NULL);
	sivshmem_region_put(region);
}

static struct sivshmem_region *dev_region(struct device *dev)
{
	return pci_get_drvdata(to_pci_dev(dev));
}

static ssize_t region_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_region(dev)->index);
}
static DEVICE_ATTR_RO(region);

static ssize_t mode_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  dev_region(dev)->doorbell ? "doorbell" : "plain");
}
static DEVICE_ATTR_RO(mode);

static ssize_t peer_id_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_region(dev)->peer_id);
}
static DEVICE_ATTR_RO(peer_id);

static ssize_t region_size_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", dev_region(dev)->shm_size);
}
static DEVICE_ATTR_RO(region_size);

static ssize_t vectors_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_region(dev)->nvectors);
}
static DEVICE_ATTR_RO(vectors);

/*
 * The attributes below read state the works change; the state lock gives
 * them a consistent snapshot.
 */
static ssize_t layout_version_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	u32 version;

	spin_lock_bh(&region->state_lock);
	version = region->state == SIVSHMEM_STATE_NO_HEADER ? 0 :
		  region->layout.layout_version;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%u\n", version);
}
static DEVICE_ATTR_RO(layout_version);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	enum sivshmem_state state;

	spin_lock_bh(&region->state_lock);
	state = region->state;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%s\n", sivshmem_state_name(state));
}
static DEVICE_ATTR_RO(state);

static ssize_t registration_status_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	u32 status;

	spin_lock_bh(&region->state_lock);
	status = region->reg_status;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%s\n", sivshmem_status_name(status));
}
static DEVICE_ATTR_RO(registration_status);

static ssize_t registered_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	bool registered;

	spin_lock_bh(&region->state_lock);
	registered = region->state == SIVSHMEM_STATE_REGISTERED;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%d\n", registered);
}
static DEVICE_ATTR_RO(registered);

static ssize_t peers_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	DECLARE_BITMAP(peers, SIVSHMEM_MAX_PEERS);

	spin_lock_bh(&region->state_lock);
	bitmap_copy(peers, region->peers, SIVSHMEM_MAX_PEERS);
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%*pbl\n", SIVSHMEM_MAX_PEERS, peers);
}
static DEVICE_ATTR_RO(peers);

static ssize_t pings_received_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	u64 count;
	u32 from;

	spin_lock_bh(&region->state_lock);
	count = region->pings_received;
	from = region->last_ping_from;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%llu %u\n", count, from);
}
static DEVICE_ATTR_RO(pings_received);

static ssize_t rx_dropped_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct sivshmem_region *region = dev_region(dev);
	u64 count;

	spin_lock_bh(&region->state_lock);
	count = region->rx_dropped;
	spin_unlock_bh(&region->state_lock);
	return sysfs_emit(buf, "%llu\n", count);
}
static DEVICE_ATTR_RO(rx_dropped);

static struct attribute *sivshmem_attrs[] = {
	&dev_attr_region.attr,
	&dev_attr_mode.attr,
	&dev_attr_peer_id.attr,
	&dev_attr_region_size.attr,
	&dev_attr_vectors.attr,
	&dev_attr_layout_version.attr,
	&dev_attr_state.attr,
	&dev_attr_registered.attr,
	&dev_attr_registration_status.attr,
	&dev_attr_peers.attr,
	&dev_attr_pings_received.attr,
	&dev_attr_rx_dropped.attr,
	NULL,
};

static const struct attribute_group sivshmem_attr_group = {
	.name = SIVSHMEM_DRV_NAME,
	.attrs = sivshmem_attrs,
};

static const struct attribute_group *sivshmem_attr_groups[] = {
	&sivshmem_attr_group,
	NULL,
};

static const struct pci_device_id sivshmem_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_IVSHMEM, PCI_DEVICE_ID_IVSHMEM) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sivshmem_pci_ids);

static struct pci_driver sivshmem_pci_driver = {
	.name = SIVSHMEM_DRV_NAME,
	.id_table = sivshmem_pci_ids,
	.probe = sivshmem_probe,
	.remove = sivshmem_remove,
	.dev_groups = sivshmem_attr_groups,
};

int sivshmem_pci_init(void)
{
	return pci_register_driver(&sivshmem_pci_driver);
}

void sivshmem_pci_uninit(void)
{
	pci_unregister_driver(&sivshmem_pci_driver);
}
